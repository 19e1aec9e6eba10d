"""The try-it page (`GET /`) and the HTML it shows for one record.

The page is one document with its style and script inline, served with a
Content-Security-Policy that admits only those two (by hash) and requests to the
server itself: nothing is fetched from elsewhere, so it works offline. It posts to
`/v1/view`, which answers the record and its HTML: the text with the mentions
marked by the evaluation report's own rendering (`marked_text`), and the record as
a table. Every piece of text in that HTML is escaped by the report's functions.
"""
from __future__ import annotations

import base64
import hashlib
import json

from ..evaluation.errors import show
from ..evaluation.report import LABEL_CSS, Mark, esc, marked_text, table
from ..records import LISTS, Record

__all__ = ["view_fragments", "csp_hash", "content_security_policy", "render_page", "CSS", "JS"]

_COLUMNS = ["label", "text", "start", "end", "value", "high", "currency", "qualifier", "name"]


def view_fragments(text: str, record_json: str) -> dict[str, str]:
    """The marked text and the record table for one record of `text`."""
    record = Record.from_dict(json.loads(record_json))
    mentions = sorted(record.mentions, key=lambda m: (m.start, m.end))
    marks = [Mark(m, tip=(f"name={m.name}",) if m.name else ()) for m in mentions]
    rows = [[m.label, show(m.text), m.start, m.end, *(getattr(m, k) or "" for k in _COLUMNS[4:])]
            for m in mentions]
    return {"text": marked_text(text, marks), "table": table(_COLUMNS, rows, "record")}


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy() -> str:
    """Only the page's own style and script, and requests to this server."""
    return (f"default-src 'none'; style-src {csp_hash(CSS)}; script-src {csp_hash(JS)}; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def render_page(version: str, token_required: bool, max_bytes: int) -> str:
    chips = "".join(f"<span class=\"chip L-{label}\">{label} <b data-count=\"{label}\">0</b></span>"
                    for label in LISTS.values())
    token = ("<label>token <input id=\"token\" type=\"password\" autocomplete=\"off\" "
             "placeholder=\"the server's token\" required></label>") if token_required else ""
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width\">",
        f"<title>press-extractor {esc(version)}</title><style>{CSS}</style></head>",
        "<body data-state=\"idle\"><header><h1>press-extractor</h1>",
        f"<p>Organizations, amounts, dates and percentages in a French press release. Version {esc(version)}; "
        "the API is documented at <a href=\"/docs\">/docs</a>.</p></header>",
        "<form id=\"form\"><label for=\"text\">Paste a release</label>",
        "<textarea id=\"text\" rows=\"12\" spellcheck=\"false\"></textarea>",
        "<div id=\"drop\"><span>or drop a file here, or choose one:</span> <input id=\"file\" type=\"file\"> "
        f"<span id=\"picked\"></span> <button id=\"unpick\" type=\"button\" hidden>use the text instead</button> "
        f"<small>(up to {max_bytes:,} bytes)</small></div>",
        "<div class=\"row\"><label>document date <input id=\"date\" placeholder=\"YYYY-MM-DD\" size=\"11\"></label>",
        "<label>doc_id <input id=\"docid\" size=\"16\"></label>", token,
        "<button id=\"go\" type=\"submit\">Extract</button><output id=\"status\"></output></div></form>",
        "<section id=\"result\" hidden><div class=\"row\" id=\"counts\">", chips, "</div>",
        "<h2>Text</h2><div id=\"marked\"></div>",
        "<h2>Record</h2><div id=\"table\"></div>",
        "<h2>JSON <a id=\"download\" download=\"record.json\" href=\"#\">download</a></h2><pre id=\"json\"></pre>",
        "</section>",
        f"<script>{JS}</script></body></html>\n",
    ])


CSS = LABEL_CSS + """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto 3em;padding:0 1.5em;max-width:70em;color:#222}
h1{font-size:1.4em;margin:.6em 0 .2em}h2{font-size:1.1em;margin:1em 0 .3em}
textarea{width:100%;box-sizing:border-box;font:13px/1.5 monospace}
#drop{border:2px dashed #aaa;border-radius:4px;padding:.6em;margin:.4em 0}#drop.over{border-color:#06c;background:#eef5ff}
.row{display:flex;flex-wrap:wrap;gap:.8em;align-items:center;margin:.4em 0}
#status{font-weight:600}body[data-state=error] #status{color:#b00}
.chip{border-radius:3px;padding:1px 6px}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:1px 6px;text-align:left}
table.record td:nth-child(2){font-family:monospace}
#json{max-height:24em;overflow:auto}
"""

JS = """
(function(){
  'use strict';
  var $=function(id){return document.getElementById(id);};
  var picked=null,url=null;
  function pick(f){
    picked=f||null;
    $('picked').textContent=picked?picked.name+' ('+picked.size+' bytes)':'';
    $('unpick').hidden=!picked;
    $('text').disabled=!!picked;
  }
  $('file').addEventListener('change',function(){pick($('file').files[0]);});
  $('unpick').addEventListener('click',function(){$('file').value='';pick(null);});
  var drop=$('drop');
  drop.addEventListener('dragover',function(e){e.preventDefault();drop.classList.add('over');});
  drop.addEventListener('dragleave',function(){drop.classList.remove('over');});
  drop.addEventListener('drop',function(e){
    e.preventDefault();drop.classList.remove('over');
    if(e.dataTransfer.files.length){pick(e.dataTransfer.files[0]);}
  });
  function state(s,msg){document.body.dataset.state=s;$('status').textContent=msg;}
  function show(data){
    $('marked').innerHTML=data.view.text;
    $('table').innerHTML=data.view.table;
    var json=JSON.stringify(data.record,null,2);
    $('json').textContent=json;
    if(url){URL.revokeObjectURL(url);}
    url=URL.createObjectURL(new Blob([json+'\\n'],{type:'application/json'}));
    var a=$('download');a.href=url;a.download=(data.record.doc_id||'record')+'.json';
    var marks=$('marked').querySelectorAll('mark.m');
    Array.prototype.forEach.call(document.querySelectorAll('[data-count]'),function(b){
      b.textContent=$('marked').querySelectorAll('mark.L-'+b.dataset.count).length;
    });
    $('result').hidden=false;
    document.body.dataset.marks=String(marks.length);
    state('done',marks.length+' mentions');
  }
  $('form').addEventListener('submit',function(e){
    e.preventDefault();
    var headers={},body,token=$('token'),date=$('date').value.trim(),docid=$('docid').value.trim();
    if(token&&token.value){headers.Authorization='Bearer '+token.value;}
    if(picked){
      body=new FormData();body.append('file',picked,picked.name);
      if(date){body.append('document_date',date);}
      if(docid){body.append('doc_id',docid);}
    }else{
      var req={text:$('text').value};
      if(date){req.document_date=date;}
      if(docid){req.doc_id=docid;}
      headers['Content-Type']='application/json';body=JSON.stringify(req);
    }
    state('busy','extracting…');
    fetch('/v1/view',{method:'POST',headers:headers,body:body}).then(function(r){
      return r.json().then(function(data){
        if(!r.ok){state('error',r.status+': '+(data.error?data.error.message:r.statusText));return;}
        show(data);
      });
    }).catch(function(err){state('error','request failed: '+err.message);});
  });
  state('idle','');
  document.body.dataset.ready='1';
})();
"""
