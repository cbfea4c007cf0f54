# ruff: noqa: RUF001  (the confusable characters are the point: this is hostile and non-Latin test text)
"""The words the fake Zendesk is written in: names, companies, subjects, replies and hostile records.

Names include non-Latin and right-to-left scripts; the hostile records carry Rich/Textual markup,
terminal escape sequences (screen clear, window title, OSC 52 clipboard write), bidi overrides, a
~1 MB body and an HTML-heavy body, so the app's text cleaning is exercised by the demo itself.
"""

from __future__ import annotations

import random
from typing import Any

AGENT_NAMES = (
    ("Sam Rivera", "agent@sandbox.example"),
    ("Priya Natarajan", "priya@sandbox.example"),
    ("Jonas Becker", "jonas@sandbox.example"),
    ("Mei Lin", "mei@sandbox.example"),
    ("Tomás Álvarez", "tomas@sandbox.example"),
    ("Aisha Rahman", "aisha@sandbox.example"),
    ("Olumide Okafor", "olumide@sandbox.example"),
    ("Hannah Kowalski", "hannah@sandbox.example"),
)

FIRST_NAMES = (
    "Alex",
    "Maria",
    "Chen",
    "Fatima",
    "Lukas",
    "Sofia",
    "Kenji",
    "Amara",
    "Noah",
    "Elif",
    "Ravi",
    "Ingrid",
    "Mateo",
    "Zoe",
    "Yusuf",
    "Chloé",
    "Björn",
    "Ana",
    "Dmitri",
    "Leila",
    "محمد",
    "نور",
    "דוד",
    "שרה",
    "王芳",
    "李伟",
    "さくら",
    "민준",
    "Алексей",
    "Ελένη",
)
LAST_NAMES = (
    "Smith",
    "García",
    "Wang",
    "Haddad",
    "Müller",
    "Rossi",
    "Tanaka",
    "Okoye",
    "Johansson",
    "Yılmaz",
    "Patel",
    "Nguyen",
    "O'Brien",
    "Dubois",
    "Kowalczyk",
    "Silva",
    "Novak",
    "Ferreira",
    "العلي",
    "כהן",
    "張",
    "佐藤",
    "김",
    "Иванов",
    "Παπαδόπουλος",
)
COMPANIES = (
    ("Acme Logistics", "acme.example"),
    ("Globex Retail", "globex.example"),
    ("Initech Finance", "initech.example"),
    ("Umbrella Health", "umbrella.example"),
    ("Hooli Media", "hooli.example"),
    ("Stark Manufacturing", "stark.example"),
    ("Wayne Foundation", "wayne.example"),
    ("Tyrell Robotics", "tyrell.example"),
    ("Soylent Foods", "soylent.example"),
    ("شركة النور", "alnoor.example"),
    ("株式会社サクラ", "sakura.example"),
    ("Cyberdyne Systems", "cyberdyne.example"),
)
PRODUCTS = (
    "the dashboard",
    "SSO login",
    "the mobile app",
    "CSV export",
    "the REST API",
    "webhooks",
    "invoices",
    "the billing portal",
    "search",
    "notifications",
)

SUBJECT_TEMPLATES = (
    (
        "Can't log in to {product}",
        "Since this morning none of our users can log in to {product}. We get a "
        "blank page after the redirect. This blocks our whole team.",
    ),
    (
        "{product} is very slow",
        "Everything in {product} takes 20+ seconds to load. It started yesterday "
        "afternoon. Is there an incident?",
    ),
    (
        "Error 500 when using {product}",
        "We get an error 500 when we use {product}. Request id: 7f3c-22aa. Steps: open it, click save, boom.",
    ),
    (
        "Question about {product}",
        "Hi! Quick question: does {product} support bulk changes? We have about 3,000 records to update.",
    ),
    (
        "Refund request for last invoice",
        "We were charged twice this month. Please refund the duplicate "
        "charge. Invoice numbers are in the attachment.",
    ),
    ("Feature request: dark mode for {product}", "Our night shift would love a dark mode for {product}."),
    (
        "Data missing after sync in {product}",
        "After last night's sync, about 40 records disappeared from "
        "{product}. We need them back before Monday's audit.",
    ),
    (
        "How do I rotate API keys?",
        "Security asked us to rotate all API keys. What is the safest way to do that without downtime?",
    ),
    (
        "Webhook deliveries failing",
        "Our endpoint returns 200 but {product} keeps retrying and marks deliveries as failed.",
    ),
    (
        "Urgent: production outage",
        "Our production environment is down and {product} shows a timeout. "
        "We are losing orders every minute. Please call us.",
    ),
    ("طلب مساعدة بخصوص الفاتورة", "مرحبا، لدينا مشكلة في الفاتورة الأخيرة. هل يمكنكم المساعدة؟"),
    ("בעיה בהתחברות למערכת", "שלום, אנחנו לא מצליחים להתחבר מאז הבוקר. תודה!"),
    ("ログインできません", "今朝から{product}にログインできません。至急確認をお願いします。"),
    ("导出功能报错", "使用{product}导出时出现错误，请尽快处理。谢谢！"),
    ("Thanks for the quick fix 🎉", "Just wanted to say thanks, the fix works perfectly 🙌🚀"),
)

REPLY_AGENT = (
    "Hi {name}, thanks for reaching out. I'm looking into this now and will update you within the hour.",
    "Hi {name}, could you send us a HAR file and the exact time the error happened (with time zone)?",
    "Thanks {name}. We've reproduced the issue and escalated it to engineering.",
    "Hi {name}, a fix has been deployed. Could you confirm it works on your side?",
    "Hi {name},\n\nHere are the steps:\n1. Open Settings\n2. Choose *API*\n3. Click **Rotate**\n\nCheers",
)
REPLY_CUSTOMER = (
    "Thanks, attached the file you asked for.",
    "Still happening for us, any news?",
    "That worked, thank you so much!",
    "We are still blocked. Can someone call us?",
    "Here is the request id: 7f3c-22aa-91b0. It failed at 09:14 CET.",
    "Any update? Our CEO is asking. 😬",
)
NOTES = (
    "Internal: customer is on the {tier} plan, check the contract before promising anything.",
    "Internal: looks like the known cache bug, see ENG-1432.",
    "Internal: asked Tier 2 to have a look; do not share the workaround yet.",
    "Internal: refund approved by finance, process after confirmation.",
)


def internal_note(rng: random.Random, ticket: dict[str, Any]) -> str:
    tier = ticket["custom_fields"].get(4403, "business")
    return rng.choice(NOTES).format(tier=tier)


_HTML = (
    '<div class="zd-comment" dir="auto"><h1>Quarterly report broken</h1><p>The <b>export</b> fails:'
    "</p><table><tr><th>Step</th><th>Result</th></tr><tr><td>1</td><td><i>timeout</i></td></tr></table>"
    "<ul><li>Chrome 126</li><li>Firefox 128</li></ul><pre><code>Traceback (most recent call last):\n  "
    'File "app.py", line 1</code></pre><img src="https://tracker.evil.example/pixel.gif">'
    "<script>alert('xss')</script><a href=\"javascript:alert(1)\">click me</a></div>"
)

HOSTILE_TICKETS: tuple[dict[str, Any], ...] = (
    {
        "subject": "[bold red]URGENT[/] refund [link=https://evil.example]click here[/link]",
        "body": "Please [blink]act now[/blink]. [@click=app.quit]Press here[/] to continue. $variable "
        "[/] unbalanced [bold",
        "requester": "[reverse]Mallory[/reverse] Markup",
    },
    {
        "subject": "Screen glitch \x1b[2J\x1b[H\x1b]0;pwned\x07 after update",
        "body": "Body with escapes: \x1b[31mred\x1b[0m, title \x1b]0;pwned\x07, clipboard "
        "\x1b]52;c;cm0gLXJmIH4=\x07, hyperlink \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\, "
        "cursor \x1b[10A\x1b[999D, bell \x07 and a lone ESC \x1b.",
        "requester": "Eve \x1b]0;owned\x07 Escape",
    },
    {
        "subject": "فاتورة خاطئة — wrong invoice ‮gnp.exe‬",
        "body": "مرحبا، الفاتورة رقم 2291 غير صحيحة. المبلغ ١٢٣٬٤٥٦ ريال.\nשלום, החשבונית שגויה.\n"
        "Mixed: invoice ‮cod.exe‬ attached.",
        "requester": "ليلى العلي",
    },
    {
        "subject": "数据导出失败 / データのエクスポートに失敗 / 데이터 내보내기 실패 🚨🔥",
        "body": "全角文字のテスト：ＡＢＣ１２３。Emoji: 👩🏽‍💻 🏳️‍🌈 🇯🇵 👍🏿. Zero-width: a\u200bb\u200dc.",
        "requester": "王芳",
    },
    {
        "subject": "Huge log pasted inline",
        "body": "Our log follows.\n"
        + ("2026-05-01T10:00:00Z ERROR worker-7 timeout talking to db-3 (attempt 3/3) [retrying]\n") * 13_000,
    },
    {
        "subject": "HTML heavy email <b>bold</b> &amp; friends",
        "body": "Quarterly report broken\nThe export fails:\nStep Result\n1 timeout\n- Chrome 126\n"
        '- Firefox 128\nTraceback (most recent call last):\n  File "app.py", line 1\nclick me',
        "html": _HTML,
    },
)
