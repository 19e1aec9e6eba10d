"""Decoding: what each kind of input file becomes (text + how it was decoded) or the one-line error."""
import codecs

import pytest

from extractor.textio import InputError, decode, read_text

TEXT = "Région Île-de-France : 5,25 M€ — 10 %\n"


@pytest.mark.parametrize("data, encoding, notice", [
    (TEXT.encode("utf-8"), "utf-8", False),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", False),
    (TEXT.encode("utf-16"), "utf-16", False),  # with BOM
    (TEXT.encode("utf-16-le"), "utf-16-le", True),
    (TEXT.encode("utf-16-be"), "utf-16-be", True),
    (TEXT.encode("cp1252"), "cp1252", True),
])
def test_encodings_decode_to_the_same_text(data, encoding, notice):
    d = decode(data, "f.txt")
    assert d.text == TEXT
    assert d.encoding == encoding
    assert (d.notice is not None) == notice


def test_line_ends_are_kept_and_reported():
    d = decode(b"a\r\nb\r\n", "f.txt")
    assert d.text == "a\r\nb\r\n" and d.describe() == {"encoding": "utf-8", "line_ends": "CRLF"}
    assert decode(b"a\rb\r", "f").line_ends == "CR"
    assert decode(b"a\nb", "f").line_ends == "LF"
    assert decode(b"ab", "f").line_ends == "none"


@pytest.mark.parametrize("data, message", [
    (b"", "f.txt: empty file"),
    (b" \n\t \r\n", "f.txt: only white space"),
    (b"%PDF-1.7\n\x00\x01\x02\x03stream", "f.txt: binary data"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "f.txt: binary data"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "f.txt: binary data"),
    (b"texte\x00avec NUL", "f.txt: binary data"),
    (b"\x81\x8d\x8f\x90\x9d" * 10, "f.txt: neither UTF-8"),
])
def test_unreadable_input_is_one_clear_line(data, message):
    with pytest.raises(InputError) as err:
        decode(data, "f.txt")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_read_text_names_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.txt: no such file"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_text(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(InputError, match="2000 bytes, over the limit of 1000"):
        read_text(big, max_bytes=1000)
