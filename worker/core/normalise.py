"""Reduce a scraped article to the text a reader would recognise as the story.

Scrapers hand us HTML or plain text wrapped in site furniture: headers, bylines, dates,
"Also read" teasers, comment forms, credits.  Copies of one story differ mostly in that
furniture, so it is removed by general rules here (never per-site rules) before anything
is fingerprinted.  Everything in this module is pure and deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from selectolax.lexbor import LexborHTMLParser

from worker.core.language import reads_as_english
from worker.core.page import is_page, main_text

# Elements whose content is never the story.
_DROP_ELEMENTS = "script,style,noscript,template,svg,iframe,form,nav,header,footer,aside,button,select,figcaption"
# Block elements: their boundaries become line breaks so paragraphs survive tag stripping.
_BLOCK_TAG = re.compile(
    r"<(/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|article|section|blockquote|pre|hr|dd|dt)\b)",
    re.IGNORECASE,
)
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>")

# A token is a run of letters and digits, or in CJK scripts (Chinese, Japanese, Korean:
# written without spaces between words) two characters side by side (a run of them gives
# each overlapping pair, one character alone is one): single characters are shared by any
# two texts in one of these languages, as no English word is (two unrelated Japanese stories
# kept a quarter of each other's characters and a fifth of their sentences' characters),
# character pairs about as seldom as words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_]+")  # a CJK character one token: how long a line is
_HAS_CJK = re.compile(rf"[{_CJK}]")
_WORD = re.compile(r"[^\W_]+")  # the tokens of text without CJK, faster
_CJK_RUN_OR_WORD = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
# Sentences are tokenised in one call, joined by a separator that is itself a token: cleaned
# lines cannot hold it (str.split() treats U+001F as whitespace).
_SEP = "\x1f"
_CJK_RUN_WORD_OR_SEP = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+|{_SEP}")
_WORD_OR_SEP = re.compile(rf"[^\W_]+|{_SEP}")
# The same tokens for Latin-1 text (most news in Western languages) without the regex
# engine: every byte that is not alphanumeric becomes a space, then str.split().  The
# separator becomes U+0001, not whitespace, so it is a token of its own (the text's own
# U+0001 became a space).
_LATIN1_SEP = "\x01"
_LATIN1_WORDS = bytes(ord(_LATIN1_SEP) if chr(b) == _SEP else b if chr(b).isalnum() else 0x20 for b in range(256))

# A unit or suffix written onto a figure comes off it (6.50am, 2.3bn, 12km: "6.50 am", "2.3
# bn", "12 km"), so a figure reads the same in every house style (6:50 a.m., 2.3 billion).
_FIGURE_SUFFIX = re.compile(r"(?<=\d)(?=[^\W\d_])")
# The same places in Latin-1 text without the regex engine (which tries every position of a
# zero-width pattern): each byte's class, "0" a decimal digit, "a" another letter or digit,
# then "0a" found.
_LATIN1_CLASSES = bytes(0x30 if chr(b).isdecimal() else 0x61 if chr(b).isalnum() else 0x20 for b in range(256))

_SENTENCE_END = re.compile(r"[.!?。！？…\"”»]\s*$")
# Sentence boundary inside a long line: terminal punctuation, optional closing quote, space,
# then something that can open a sentence.  The quote and the space are dropped.  A title's
# or a rank's point ("Mr. Aldane", "Dr. Mallory", "Gov. Reyes", "St. Louis"), a month's ("Sept.
# 9") and an initial's ("J. K. Ellery", "U.S. Senate") end no sentence: house styles write them
# with a point or without, one sentence either way.  Nor does a time's "a.m." or "p.m." before its day or
# zone or date ("5 a.m. Monday", "10:30 a.m. EDT (1430 GMT)", "5 a.m. Sept. 9"), as another
# style's "05:00 Monday".
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St", "Mt", "Ft", "Jr", "Sr", "Fr", "Rev", "Hon", "Prof", "Sen", "Rep", "Gov",
           "Gen", "Lt", "Col", "Capt", "Sgt", "Maj", "Adm", "Det", "Insp", "Supt", "Cllr", "No", "Nr", "Mio", "Mrd",
           "Jan", "Feb", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")  # fmt: skip
_SENTENCE_BREAK = re.compile(
    r"([.!?。！？])"
    + "".join(  # one lookbehind a length (each must be of one width)
        rf"(?<!\b(?:{'|'.join(t for t in _TITLES if len(t) == n)})\.)" for n in sorted({len(t) for t in _TITLES})
    )
    + r"(?<!\b[A-Z]\.)"
    + r"(?!(?<=\b[ap]\.m\.) (?:(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|[ECMP][SD]?T|GMT|UTC|BST|CES?T"
    + r"|(?:Jan|Febr)uary|March|April|May|June|July|August|(?:Septem|Octo|Novem|Decem)ber"
    + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b|\(\d))"
    + r"[\"”’»)]?[^\S\n]+(?=[\"“‘«(\[]?[A-Z0-9\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff])"
)

_QUOTES = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}
# Plain quotes and dashes, every character that breaks a line for str.splitlines() ("\r",
# U+2028, ...) a line break, and every other whitespace character a space (what str.split()
# splits on: no character past U+3000 is whitespace, a test checks it).
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CLEAN = str.maketrans(
    {**{chr(c): " " for c in range(0x3001) if chr(c).isspace() and c != 0x0A}, **dict.fromkeys(_LINE_BREAKS, "\n"),
     **_QUOTES}
)  # fmt: skip
# The same mapping as a pattern, for text that is not all ASCII: str.translate looks every
# character up in the table then (about 110 us for 4 KB, against 5 us for ASCII text), and
# news has curly quotes and accented names; the pattern finds only the characters to change.
# Digits of other scripts (Arabic-Indic, Persian, Devanagari, ...) become ASCII digits: a
# figure is the same in every language (NFKC leaves them as they are).
_DIGITS = {
    chr(c): str(unicodedata.decimal(chr(c))) for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) == "Nd"
}
_CLEAN_CHARS = {**{chr(c): v for c, v in _CLEAN.items() if chr(c) != v}, **_DIGITS}
_TO_CLEAN = re.compile("[" + "".join(map(re.escape, _CLEAN_CHARS)) + "]")

# A wire dateline opening a paragraph: the place in capitals, then a date, the agency in
# brackets or both, then a dash ("WEXMOOR, March 3 (Harbourline News) - ", "LONDON (Reuters)
# - ", and without the comma before a date the agency follows, "ESTRELLE Aug 28 (APA) - "),
# or the agency alone ("(Meridian Wire) - "), or the place as written before the agency, as
# agencies writing in German, French or Spanish do ("Berlin (dpa) - ", "Lyon (AFP) - ",
# "Sevilla, 7 may (EFE).- ": ``_PLACE_DATELINE``): each site writes its own, and its date is
# not the story's figure.  The story goes on.
# Matched at each line's start (``re.match``): a MULTILINE "^" is tried at every character.
_DATELINE = re.compile(
    r" ?(?:[A-ZÀ-Þ][A-ZÀ-Þ.' -]{2,40}(?:(?:, [^\n()-]{1,24}?)?(?: \([^()\n]{1,40}\))?| [^\n()-]{1,24}? \([^()\n]{1,40}\))"
    r"|\([^()\n]{1,40}\)) -{1,2} (?=\S)"
)
_PLACE_DATELINE = re.compile(  # sought only in a line with a ")" near its start
    r"[A-ZÀ-Þ][\w'.-]{1,30}(?: [\w'.-]{1,30}){0,3}(?:, [^\n()-]{1,24}?)? \([^()\n]{1,40}\)(?: -{1,2}|\.-{1,2}) (?=\S)"
)
# A line that is only a time stamp ("Published 13:52 GMT, 3 March 2026 | Updated 14:05",
# "Posted: Thursday, March 12, 2026, 4:38 p.m. ET", "Updated 2 hours ago"): words of dates
# and times, and figures.
_TIME_WORD = (
    r"(?:\d[\d:./-]*|on|at|a\.m\.?|p\.m\.?|am|pm|gmt|utc|bst|cet|cest|eet|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt"
    r"|ist|aest|aedt|local|time|hours?|hrs?|minutes?|mins?|ago|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may"
    r"|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?"
    r"|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)(?![^\W\d])\.?"
)
_TIME_ITEM = rf"(?:(?:first |last )?(?:published|posted|updated|modified|created)\b:?|{_TIME_WORD})"
_TIME_STAMP = re.compile(rf"(?i){_TIME_ITEM}(?:[ ,|·]+{_TIME_ITEM})*")
# A photo caption: a line opening with "Caption:" or "[Photo]", or ending in its credit
# ("(Photo: Sam Ridley)", "(Reuters file photo)", "(Valley Courier/Pete Samways)", "(AFP /
# Lena Roux)", "(Archivbild: Tom Weller/dpa)", "Credit: ...", "... on Friday. © Tom Weller",
# "... on Friday. Photograph: Tom Weller/Gazette").
_CAPTION = re.compile(
    r"^(?i:(?:(?:photo|image|picture) )?caption:|\[(?:photo|image|picture)\])"
    r"|\([^()]*\b(?i:photo|photograph|picture|image|illustration|foto|bild|archivbild|archivfoto|symbolbild|imagen|immagine"
    r"|imagem|beeld)\b[^()]*\)$|\([A-Z][^()/]{1,39}/ ?[A-Za-z][^()/]{1,39}\)$"
    r"|\b(?i:credit): [^.]*$|\| (?i:photo(?:graph)?|picture|image)\b[^|.]*$|\u00a9 (?<=[.!?] \u00a9 )[^.!?]*$"
    r"|(?<=[.!?] )(?i:photo(?:graph)?|picture|pic|image|foto|bild): [^.!?]*$"
)
# A line of three or more items between separators and no sentence's end: a menu, share
# buttons, related headlines on one line ("Averna extends red alert · AGC names new chairman · ...").
_ITEMS = re.compile(r"[^.!?\n]+(?: [·|•] [^.!?\n]+){2,}")

# Sentences that are site furniture wherever they appear, matched at a sentence's start in
# the lower-cased text (a pattern of plain lower-case letters lets the engine pass over an
# alternative at its first letter, which it cannot do case-insensitively: about a third of the
# scan), and bylines, matched as written.  Matched over all of an article's sentences at once,
# one per line: each match starts at the line break before its sentence, and nothing in the
# patterns crosses a line break ([^\w\n] and [^\S\n] are \W and \s within a line).
_FURNITURE = re.compile(
    r"""\n[^\w\n]*(?:
        (?:also|read|see)[^\S\n]+(?:read|more|also)\b            # "Also read: ...", "Read more"
      | related(?:[^\S\n]+(?:articles?|stories|news|coverage))?[^\S\n]*[:-]
      | recommended(?:[^\S\n]+for[^\S\n]+you)?[^\S\n]*:
      | you[^\S\n]+(?:may|might)[^\S\n]+(?:also[^\S\n]+)?like\b
      | (?:more|latest)[^\S\n]+(?:from|on|news)\b.*:
      | (?:leave|post)[^\S\n]+a[^\S\n]+(?:reply|comment)
      | your[^\S\n]+email[^\S\n]+address[^\S\n]+will[^\S\n]+not[^\S\n]+be[^\S\n]+published
      | required[^\S\n]+fields[^\S\n]+are[^\S\n]+marked
      | (?:sign[^\S\n]+up|subscribe)\b
      | (?:follow|like)[^\S\n]+us\b
      | share[^\S\n]+(?:this|on)\b
      | click[^\S\n]+here\b
      | download[^\S\n]+(?:the|our)\b[^\n]*\bapp\b                # "Download our app for ..."
      | advertisement\b
      | story[^\S\n]+continues\b                                 # "Story continues below advertisement"
      | (?:watch|video|listen|markets[^\S\n]+live)[^\S\n]*:      # "WATCH: ...", "Video: ..." teasers
      | all[^\S\n]+rights[^\S\n]+reserved
      | (?:copyright|©|\(c\)[^\S\n])
      | our[^\S\n]+standards[^\S\n]*:
      | (?:\(?[^\S\n]*)?(?:additional[^\S\n]+)?(?:reporting|writing|written|editing|edited|compiled)[^\S\n]+by\b
      | this[^\S\n]+(?:news|story|article|report)[^\S\n]+(?:is|was|has[^\S\n]+been)[^\S\n]+(?:based[^\S\n]+on|originally|first
         |amended|updated|corrected)\b
      | (?:most[^\S\n]+(?:read|viewed|popular|shared)|also[^\S\n]+in[^\S\n]+the[^\S\n]+news|in[^\S\n]+other[^\S\n]+news)\b[^\n]*:
      | (?:are|were)[^\S\n]+you[^\S\n]+affected\b|(?:if[^\S\n]+you[^\S\n]+have|have[^\S\n]+you)[^\S\n]+been[^\S\n]+affected\b
      | (?:email|contact|message)\b[^\n]*\bwith[^\S\n]+your[^\S\n]+(?:story|stories|experiences?|views|pictures|photos|videos)\b
      | share[^\S\n]+your[^\S\n]+(?:experiences?|stories|story|views|thoughts)\b
      | (?:contact|email)[^\S\n]+(?:the|our)[^\S\n]+(?:newsroom|newsdesk|news[^\S\n]+desk)\b
      | (?:originally[^\S\n]+)?published[^\S\n]+(?:by|on|in)\b.{0,60}$
      | (?:photo(?:graph)?|image|picture)[^\S\n]*(?:credit)?[^\S\n]*:
      | (?:photo(?:graph)?|picture)[^\S\n]+by\b[^.!?\n]*$             # "| Photograph by Amir Kassab"
      | distributed[^\S\n]+by\b
      | this[^\S\n]+material[^\S\n]+may[^\S\n]+not[^\S\n]+be\b                  # agency terms of use
      | (?:tags|topics|keywords|categories|filed[^\S\n]+under)[^\S\n]*:[^.!?\n]*$  # "Topics: Jobs Schools"
    )""",
    re.VERBOSE | re.MULTILINE,
)
# The same furniture as sites in German, French, Spanish, Italian, Portuguese and Dutch write
# it (teasers of other stories, captions and credits, time stamps, bylines before a separator,
# rights notices, calls to subscribe, follow, share, comment or download an app, notes of an
# agency's agreement, advertisement markers), sought only in a text without " the " (English
# news has it in nearly every paragraph), as ``_FURNITURE`` is: at a sentence's start in the
# lower-cased text, and a sentence naming a newsletter or inviting comments wherever it says so.
_FURNITURE_ABROAD = re.compile(
    r"""\n[^\w\n]*(?:
        lesen[^\S\n]+sie[^\S\n]+(?:auch|mehr|hier|weiter)\b
      | (?:auch[^\S\n]+interessant|mehr[^\S\n]+zum[^\S\n]+thema|weitere[^\S\n]+(?:artikel|nachrichten|meldungen))\b
      | das[^\S\n]+könnte[^\S\n]+sie[^\S\n]+(?:auch[^\S\n]+)?interessieren
      | (?:à[^\S\n]+|a[^\S\n]+)?(?:lire|voir)[^\S\n]+(?:aussi|également|la[^\S\n]+suite)\b
      | sur[^\S\n]+le[^\S\n]+même[^\S\n]+sujet
      | (?:lee|lea|leer|ver)[^\S\n]+(?:también|además|más)\b
      | (?:también[^\S\n]+)?(?:te|le)[^\S\n]+puede[^\S\n]+interesar
      | (?:noticias?|artículos?|notizie|articoli|notícias?|matérias?)[^\S\n]+(?:relacionad|correlat)
      | mehr[^\S\n]+aus\b[^\n]*:|diskutieren[^\S\n]+sie[^\S\n]+mit\b
      | (?:con[^\S\n]+información|com[^\S\n]+informações|con[^\S\n]+informazioni)[^\S\n]+d
      | (?:etiquetas|schlagwörter|themen|mots-clés|tags?|tópicos|onderwerpen|argomenti|temas)[^\S\n]*:[^.!?\n]*$
      | (?:más[^\S\n]+información|mais[^\S\n]+informações)[^\S\n]*:
      | (?:leggi|guarda|vedi)[^\S\n]+(?:anche|tutto|di[^\S\n]+più)\b
      | (?:ti[^\S\n]+)?potrebbe[^\S\n]+(?:anche[^\S\n]+)?interessar
      | (?:leia|veja)[^\S\n]+(?:também|mais)\b
      | saiba[^\S\n]+mais\b
      | (?:lees|bekijk)[^\S\n]+(?:ook|meer|verder)\b
      | (?:bildunterschrift|bildquelle|bild|fotos?|légende|crédits?[^\S\n]+photos?|fotografía|imagen|didascalia
         |imagem|beeld)[^\S\n]*:
      | quelle[^\S\n]*:[^.!?\n]*$
      | (?:veröffentlicht|aktualisiert|erstellt|publié|mis[^\S\n]+à[^\S\n]+jour|publicado|actualizado|atualizado
         |pubblicato|aggiornato|gepubliceerd|bijgewerkt)[^\S\n]+(?:am|um|le|à|el|a[^\S\n]+las|em|às|il|alle
         |op|om)\b.{0,80}$
      | par[^\S\n]+la[^\S\n]+rédaction\b
      | (?:alle[^\S\n]+rechte[^\S\n]+vorbehalten|tous[^\S\n]+droits[^\S\n]+(?:réservés|de[^\S\n]+reproduction)
         |todos[^\S\n]+(?:los|os)[^\S\n]+(?:derechos|direitos)[^\S\n]+reservados
         |tutti[^\S\n]+i[^\S\n]+diritti[^\S\n]+riservati|riproduzione[^\S\n]+riservata
         |alle[^\S\n]+rechten[^\S\n]+voorbehouden|queda[^\S\n]+prohibida)
      | (?:(?:jetzt[^\S\n]+)?abonnieren|abonnez-vous|inscrivez-vous|suscríbete|suscríbase|iscriviti|abbonati
         |assine|inscreva-se|abonneer|folgen[^\S\n]+sie[^\S\n]+uns|suivez-nous|síguenos|síganos|seguici
         |siga-nos|volg[^\S\n]+ons|teilen[^\S\n]+sie|partagez|comparte|condividi|compartilhe|partilhe
         |deel[^\S\n]+dit)\b
      | (?:anzeige|werbung|publicité|publicidad|pubblicità|publicidade|advertentie)[^\w\n]*$
      | (?:von|par|por|di|da|door)[^\S\n]+(?:[\w.'-]+[^\S\n]*){1,6}(?:[|\u00b7\u2022].*|-{1,2}[^.!?\n]*)$  # "Von dpa | Montag"
      | [^\n]*\b(?:newsletter|boletín|nieuwsbrief)\b                 # "... abonnez-vous à notre newsletter."
      | (?:meer[^\S\n]+nieuws|mehr[^\S\n]+nachrichten|plus[^\S\n]+d'actualités?|más[^\S\n]+noticias|più[^\S\n]+notizie
         |mais[^\S\n]+notícias)\b[^\n]*:
      | (?:download|downloaden|descarga|descargue|scarica|baixe|téléchargez|laden[^\S\n]+sie)\b[^\n]*\bapp\b
      | (?:este|esta|cet|cette|questo|questa|dieser|dieses|dit|deze)[^\S\n]+(?:artigo|artículo|noticia|notícia|matéria
         |article|dépêche|articolo|notizia|artikel|beitrag|bericht)\b[^\n]*\b(?:publicad|publié|pubblicat
         |veröffentlicht|gepubliceerd|erstellt|elaborad|redigé|produzid|producid|realizzat)
      | [^\n]*\b(?:réagir[^\S\n]+à[^\S\n]+cet|laisser[^\S\n]+un[^\S\n]+commentaire|déjanos[^\S\n]+tu[^\S\n]+comentario
         |deja[^\S\n]+tu[^\S\n]+comentario|lascia[^\S\n]+un[^\S\n]+commento|deixe[^\S\n]+(?:o[^\S\n]+)?seu[^\S\n]+comentário
         |comentários[^\S\n]+estão[^\S\n]+sujeitos|kommentar[^\S\n]+(?:schreiben|verfassen)|laat[^\S\n]+een[^\S\n]+reactie)
    )""",
    re.VERBOSE | re.MULTILINE,
)
_BYLINE = re.compile(
    r"""\n[^\w\n]*(?:
        by[^\S\n]+(?:[A-Z][\w.'-]*[^\S\n]*){1,4}(?:,.*)?$  # a byline: "by Jane Doe, Reuters"
      | [Bb]y[^\S\n]+(?:[A-Z][\w.'-]*[^\S\n]*){1,4}[|\u00b7\u2022].*$  # "By Jane Doe | 3 May 2026 | Print"
    )""",
    re.VERBOSE | re.MULTILINE,
)
# Credits, sought only in a text holding a slash or a bracket (most sentences open with a
# capital, and trying these at each costs more than the rest of the furniture together).
_PHOTO_CREDIT = re.compile(  # a photo's credit: "EPN/Andrés Molt", "Northwire/Anna Kerrow]"
    r"\n[^\w\n]*(?:[A-Z][\w.'-]*+[^\S\n]?){1,4}+/[^\S\n]?(?:[A-Z][\w.'-]*+[^\S\n]?){1,4}+\]?$", re.MULTILINE
)
_AGENCY_CREDIT = re.compile(  # an agency's credit after a paragraph: "(Harlen News Agency)"
    r"\n[^\w\n]*\((?:[A-Z][\w.'&-]*+[^\S\n]?){1,5}+\)$", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The story text after cleaning: paragraphs as kept, and its word tokens.

    ``words`` are the tokens as written (capitals mark names), ``sentence_starts`` where each
    sentence begins in them, ``paragraph_starts`` where each paragraph does (empty: not
    known): tokenised once here, used by every fingerprint.  ``tokens`` are the same words
    case-folded.
    """

    paragraphs: tuple[str, ...]
    words: tuple[str, ...]
    sentence_starts: tuple[int, ...]
    paragraph_starts: tuple[int, ...] = ()

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple([w.casefold() for w in self.words])

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def html_to_text(raw: str) -> str:
    """Strip markup (if any) keeping paragraph breaks; plain text passes through.  A whole
    page is reduced to its main content first (``page.main_text``)."""
    if not _LOOKS_LIKE_HTML.search(raw):
        return raw
    if is_page(raw):
        main = main_text(raw)
        if main is not None:
            return main
    tree = LexborHTMLParser(_BLOCK_TAG.sub(r"\n<\1", raw))
    for node in tree.css(_DROP_ELEMENTS):
        node.decompose()
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""


def _figures_apart(text: str) -> str:
    """The text with units and suffixes apart from the figures they were written onto."""
    return _FIGURE_SUFFIX.sub(" ", text)


def _places(classes: bytes, pattern: bytes) -> Iterator[int]:
    """Where ``pattern`` stands in a text's byte classes (``bytes.find``: no Python step per
    character)."""
    at = classes.find(pattern)
    while at >= 0:
        yield at
        at = classes.find(pattern, at + 1)


def _apart_at(text: str, classes: bytes) -> str:
    """``_figures_apart`` of ``text`` given its characters' ``_LATIN1_CLASSES``, one a byte."""
    cuts = [at + 1 for at in _places(classes, b"0a")]
    if not cuts:
        return text
    return " ".join(text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True))


def word_tokens(text: str) -> list[str]:
    """Word tokens as written, a figure apart from its unit; CJK in overlapping character pairs."""
    text = _figures_apart(text)
    return _cjk_pairs(_CJK_RUN_OR_WORD.findall(text)) if _HAS_CJK.search(text) else _WORD.findall(text)


def _cjk_pairs(found: list[str]) -> list[str]:
    """Tokens with each run of CJK characters as its overlapping character pairs."""
    tokens: list[str] = []
    for token in found:
        if len(token) > 1 and _HAS_CJK.match(token):
            tokens.extend([token[i : i + 2] for i in range(len(token) - 1)])
        else:
            tokens.append(token)
    return tokens


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (the form every fingerprint is built from)."""
    return word_tokens(text.casefold())


# A figure written with thousands separators (4,600; 4.600; 4 600; 1,250,000): one number, as
# languages that write no separator (4600) and those that write another write it.
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:[,. \u00a0\u202f']\d{3})+)(?![\d])")
_SEPARATORS = str.maketrans("", "", ",. \u00a0\u202f'")
# The same in Latin-1 text without the regex engine (a pattern opening with a look-behind is
# tried at every character: about 120 us an article, this 8): each character's class, a digit
# "0", a separator "s", else "x", and the places where "0s000" stands found by bytes.find.
_GROUP_CLASSES = bytes(0x30 if 0x30 <= b <= 0x39 else 0x73 if b in b",. '\xa0" else 0x78 for b in range(256))
_DIGIT = 0x30
_Text = TypeVar("_Text", str, bytes)


def _joined_thousands(text: str, latin1: bytes | None) -> tuple[str, bytes | None]:
    """``text`` with the thousands separators taken out of its figures (``_THOUSANDS``), and
    the same in Latin-1; ``latin1``: the text encoded in Latin-1, None when it cannot be."""
    if latin1 is None:
        return _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).translate(_SEPARATORS), text), None
    classes = latin1.translate(_GROUP_CLASSES)
    drop: list[int] = []  # the separators to take out
    for at in _places(classes, b"0s000"):
        if at + 5 < len(classes) and classes[at + 5] == _DIGIT:
            continue  # more than three digits after it: no thousands
        start = at  # where the digits before the separator start
        while start and classes[start - 1] == _DIGIT:
            start -= 1
        lead = at + 1 - start
        if drop and drop[-1] == start - 1:  # a group after one just joined
            joined = lead == 3
        else:
            joined = lead <= 3 and (start == 0 or text[start - 1] not in ".,")
        if joined:
            drop.append(at + 1)
    return _dropped(text, drop), _dropped(latin1, drop)


def _dropped(text: _Text, drop: list[int]) -> _Text:
    """``text`` (or its Latin-1 bytes) without the characters at the places ``drop`` (sorted)."""
    if not drop:
        return text
    return text[:0].join(text[a + 1 : b] for a, b in zip([-1, *drop], [*drop, len(text)], strict=True))


# A figure written with a word for thousands or myriads, as many languages write it, is the
# figure English writes: "28 mil" (Portuguese, Spanish), "30 mila", "100 ألف", "60 тыс." are
# 28000, 30000, 100000, 60000 as in 28,000; Chinese, Japanese and Korean count in myriads (万
# ten thousand, 亿 a hundred million, compounded: 3万8000 is 38000, 4億1000万 410 million):
# 4万 is 40000, 210万 is 2.1 as in 2.1 million, 13亿 is 1.3 as in 1.3 billion (a multiplier
# word for millions is not a figure in any language, so it is left out).  Only lower-case
# words right after a figure, whole: "χιλιόμετρα" is kilometres.
_LATIN_THOUSANDS = ("mil", "mila")  # the Latin-1 languages' (others write digits: 28.000, 28 000)
_THOUSAND_WORDS = (
    *_LATIN_THOUSANDS, "thousand", "tausend", "bin", "tys", "tysięcy", "tysiące", "tysiąc", "tisíc", "ezer",
    "тыс", "тысяч", "тысячи", "тысяча", "тис", "тисяч", "тисячі", "тисяча", "хиляди", "хил", "хиљада",
    "хиљаде", "hiljada", "hiljade", "χιλιάδες", "χιλ", "ألف", "آلاف", "אלף", "אלפים", "हज़ार", "हजार", "هزار",
)  # fmt: skip
_HUNDRED_MILLIONS, _MYRIADS = "亿億억", "万萬만"
_NUMBER = r"\d+(?:[.,\u066b]\d+)?"
_SCALED = re.compile(
    rf"(?:({_NUMBER}) ?[{_HUNDRED_MILLIONS}] ?)?(?:({_NUMBER}) ?[{_MYRIADS}])(\d{{1,4}}(?![\d.,]))?"  # 3万8000
    rf"|({_NUMBER}) ?[{_HUNDRED_MILLIONS}]"  # 13亿
    rf"|({_NUMBER}) ({'|'.join(_THOUSAND_WORDS)})(?![^\W_])"  # 28 mil
)
_OTHER_SCALES = (*_HUNDRED_MILLIONS, *_MYRIADS, *(f" {w}" for w in _THOUSAND_WORDS[len(_LATIN_THOUSANDS) :]))


def _any_scaled(text: str, latin1: bool) -> bool:
    """Whether ``text`` may hold a scaled figure (``_SCALED``, whose pattern costs 90 us for
    4 KB of any text): in Latin-1 text a Latin thousands word right after a figure (" mil" of
    " million" is passed over), in other text any scale word."""
    if not latin1 and any(scale in text for scale in _OTHER_SCALES):
        return True
    at = text.find(" mil")
    while at > 0:
        end = at + 4 + (text[at + 4 : at + 5] == "a")
        if text[at - 1].isdigit() and (end == len(text) or not text[end].isalpha()):
            return True
        at = text.find(" mil", end)
    return False


def _value(number: str | None, zeros: int) -> int:
    """``number`` times 10 to ``zeros``, exactly (a decimal comma or point read as one)."""
    if number is None:
        return 0
    whole, _, fraction = number.replace(",", ".").replace("\u066b", ".").partition(".")
    if len(fraction) > zeros:
        raise ValueError(number)  # 1.2345 thousand: not a figure of this scale
    return int(whole + fraction) * 10 ** (zeros - len(fraction))


def _in_english_figures(match: re.Match[str]) -> str:
    """A ``_SCALED`` figure as English writes it (unchanged when it is not one of its scale)."""
    hundred_millions, myriads, units, alone, thousands, _ = match.groups()
    try:
        value = _value(hundred_millions or alone, 8) + _value(myriads, 4) + _value(units, 0) + _value(thousands, 3)
    except ValueError:
        return match.group()
    for zeros in (9, 6):  # billions, millions: their multiplier word is not a figure
        if value >= 10**zeros:
            whole, rest = divmod(value, 10**zeros)
            return f"{whole}.{str(rest).rjust(zeros, '0').rstrip('0')}" if rest else str(whole)
    return str(value)


# A figure with a decimal point or comma (2.6, 2,6, 6.4%) is one token, so a figure changed
# after the point (2.3 million -> 2.6 million) is another figure, not the same "2" beside a
# one-character token that no fingerprint keeps; written with a point or a comma it is one
# figure.  After the thousands separators are gone, a point or comma between two digits is
# a decimal one; a time's colon or "h" goes too (6:50 a.m. is 650, as 6.50am is, and 18h40
# is 1840, as French and Portuguese write 18:40).
_DECIMAL = re.compile(r"(?<=\d)[.,:h\u066b](?=\d)")
_DECIMAL_CLASSES = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2E if b in b".,:h" else 0x78 for b in range(256))


_SPACED_HOUR = re.compile(r"(?<=\d) h (?=\d\d(?!\d))")  # "18 h 40", a time as French typesets it


def _joined_decimals(text: str, latin1: bytes | None) -> str:
    """``text`` with the decimal point or comma, and a time's colon or "h", taken out of its
    figures (``_DECIMAL``), and the zeros a figure is the same without (``_zeros``);
    ``latin1``: the text encoded in Latin-1, None when it cannot be."""
    if latin1 is None:
        points = [m.start() for m in _DECIMAL.finditer(text)]
    else:
        points = [at + 1 for at in _places(latin1.translate(_DECIMAL_CLASSES), b"0.0")]
    if not points:
        return text
    classes = (latin1 if latin1 is not None else text.encode("latin-1", "replace")).translate(_ZERO_CLASSES)
    return _dropped(text, _zeros(classes, points))


# Each character one byte: a zero "z", another digit "0", a decimal point or a time's colon or
# "h" ".", anything else "x" (``_zeros`` finds its patterns with ``bytes.find``).
_ZERO_CLASSES = bytes(
    0x7A if b == 0x30 else 0x30 if 0x31 <= b <= 0x39 else 0x2E if b in b".,:h" else 0x78 for b in range(256)
)


def _zeros(classes: bytes, points: list[int]) -> list[int]:
    """The places of the decimal ``points`` (sorted) and of the zeros around them that
    outlets write or not by house style, given the text's ``_ZERO_CLASSES``: an empty
    fraction ("3:00", "3.00", "12,00" are 3 and 12, as AP style writes "3 p.m."; not "10.00"
    of a date "10.00.26") and a zero opening a two-digit hour or whole part ("08:05" is
    "8:05", "07h30" 7h30)."""
    drops: list[int] = []
    end = len(classes)
    for point in points:
        if classes[point - 2 : point] in (b"z0", b"zz") and (point == 2 or classes[point - 3] == 0x78):
            drops.append(point - 2)
        drops.append(point)
        if classes[point + 1] == 0x7A:
            after = point + 2
            while after < end and classes[after] == 0x7A:
                after += 1
            rest = classes[after : after + 2]
            if not rest or not (rest[0] in (0x30, 0x7A) or (rest[0] == 0x2E and rest[1:] in (b"0", b"z"))):
                drops.extend(range(point + 1, after))  # no digit, nor a point and a digit, goes on
    return drops


def _clean_lines(text: str) -> list[str]:
    """NFKC, plain quotes and single spaces, line by line (in one pass over the text: no
    NFKC mapping makes or joins a line break; a "\r\n" leaves an empty line, which
    ``_story_lines`` drops)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.translate(_CLEAN) if text.isascii() else _TO_CLEAN.sub(lambda m: _CLEAN_CHARS[m.group()], text)
    # One outlet's "12.4%" is another's "12.4 percent" or "12.4 per cent": one word.
    if "%" in text:
        text = text.replace("%", " percent")
    if "per cent" in text:
        text = text.replace("per cent", "percent")
    while "  " in text:
        text = text.replace("  ", " ")
    try:  # one encoding for both steps (joining separators keeps a text Latin-1 or not)
        latin1: bytes | None = text.encode("latin-1")
    except UnicodeEncodeError:
        latin1 = None
    text, latin1 = _joined_thousands(text, latin1)
    if _any_scaled(text, latin1 is not None):
        text = _SCALED.sub(_in_english_figures, text)
        latin1 = text.encode("latin-1") if latin1 is not None else None  # "28 mil" is 28000: still Latin-1
    if not text.isascii() and " h " in text:  # "18 h 40" is 18h40 (French, never all ASCII)
        text = _SPACED_HOUR.sub("h", text)
        latin1 = text.encode("latin-1") if latin1 is not None else None
    text = _joined_decimals(text, latin1)
    places = ")" in text  # an agency's dateline after the place may open a line
    return [_after_dateline(line, places).strip(" ") for line in text.split("\n")]


def _after_dateline(line: str, places: bool) -> str:
    dateline = _DATELINE.match(line)
    if dateline is None and places and line.find(")", 0, 90) > 0:
        dateline = _PLACE_DATELINE.match(line)
    if dateline is not None:
        line = line[dateline.end() :]
    return _without_credit(line) if line[-1:].isalpha() else line


# An agency's credit after a paragraph's last sentence ("... passed off peacefully. - Norvale
# Press Agency"): a dash, then up to five capitalised words to the line's end.  Looked for in
# lines ending in a letter (a sentence ends in punctuation), from the line's last dash only
# (a pattern searched through the line costs a try at every character).
_CREDIT = re.compile(r" -{1,2} (?:[A-Z][\w.'&-]*(?: |$)){1,5}")


def _without_credit(line: str) -> str:
    at = line.rfind(" -", max(0, len(line) - 64))
    if at > 0 and line[at - 1] in '.!?"' and _CREDIT.fullmatch(line, at) is not None:
        return line[:at]
    return line


def _story_lines(lines: list[str]) -> list[str]:
    """The lines left when furniture lines (``_is_furniture_line``) and lists are dropped: a
    run of two or more lines that end no sentence (a box of related headlines under its
    label, a menu, tags), each as long as a headline at most (``_LIST_LINE``), of any number
    of words.  A story's paragraphs end their sentences with punctuation, a credit in
    brackets after it at most; a headline has none."""
    lines = [line for line in lines if line]
    bare = [len(line) <= _LIST_LINE and not _ends_sentence(line) for line in lines]
    listed = [
        b and ((i > 0 and bare[i - 1]) or (i + 1 < len(bare) and bare[i + 1])) for i, b in enumerate(bare)
    ]  # fmt: skip
    if True in bare and "?\n" in "\n".join(lines):
        _questions_listed(lines, bare, listed)
    return [line for line, drop in zip(lines, listed, strict=True) if not drop and not _is_furniture_line(line)]


def _questions_listed(lines: list[str], bare: list[bool], listed: list[bool]) -> None:
    """Mark as ``listed`` the headlines that ask a question inside a list ("BlackVane: who is
    behind the gang?" between two other headlines), and the list's other headlines beside
    them: a run of headline-long lines ending in "?" with a bare line on either side, one of
    them in a list already (a question between a headline and a byline is a standfirst)."""
    end = 0
    for i in range(1, len(lines) - 1):
        if i < end or not bare[i - 1] or not _is_question(lines[i]):
            continue
        end = i
        while end < len(lines) - 1 and _is_question(lines[end]):
            end += 1
        if bare[end] and (listed[i - 1] or listed[end]):
            for j in range(i - 1, end + 1):
                listed[j] = True


def _is_question(line: str) -> bool:
    """A headline asking a question: as long as one, one sentence ending in "?"."""
    return len(line) <= _LIST_LINE and line.endswith("?") and len(split_sentences(line)) == 1


_LIST_LINE = 160  # characters: longer than a headline
_ENDS = frozenset('.!?。！？…"”»')


def _ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence, a credit in brackets after it aside."""
    if line[-1] in ")]":
        line = _BRACKETED_END.sub("", line)
    return line.rstrip()[-1:] in _ENDS


_BRACKETED_END = re.compile(r" ?[(\[][^()\[\]\n]*[)\]]$")  # "... hours. (Harlen News Agency)"


def _is_furniture_line(line: str) -> bool:
    """A short line with no sentence punctuation (dates, section labels, outlet names), a
    line of items (``_ITEMS``), a time stamp or a photo caption."""
    if ("·" in line or "|" in line or "•" in line) and (
        _ITEMS.fullmatch(line) is not None or (" | " in line and not _ends_sentence(line))
    ):  # a line of items, or fields between bars: "Lyon (AFP) | Updated 15.05, 07:12"
        return True
    if len(line) > 160:  # longer than any six words
        return False
    if len(_TOKEN.findall(line)) <= 6 and not _SENTENCE_END.search(line):
        return True
    return _CAPTION.search(line) is not None or (
        _TIME_STAMP.fullmatch(line) is not None and any(map(str.isdigit, line))
    )


def split_sentences(line: str) -> list[str]:
    parts = _SENTENCE_BREAK.split(line)  # a sentence, its closing punctuation, the next...
    return [s for s in map(str.__add__, parts[0::2], [*parts[1::2], ""]) if s.strip()]


def _furniture(sentences: list[str]) -> set[int]:
    """Which sentences are furniture: one scan over them all (a match's sentence is the
    number of line breaks before it: lower-casing may change the text's length, never its
    line breaks)."""
    text = "\n" + "\n".join(sentences)
    lower = text.lower()
    found = {lower.count("\n", 0, m.start()) for m in _FURNITURE.finditer(lower)}
    if " the " not in lower:
        found.update(lower.count("\n", 0, m.start()) for m in _FURNITURE_ABROAD.finditer(lower))
    found.update(text.count("\n", 0, m.start()) for m in _BYLINE.finditer(text))
    for mark, credit in (("/", _PHOTO_CREDIT), (")", _AGENCY_CREDIT)):
        if mark in text:
            found.update(text.count("\n", 0, m.start()) for m in credit.finditer(text))
    return found


def _kept(line: list[str], first: int, dropped: set[int]) -> list[str]:
    """The sentences of a line (numbered from ``first``) not dropped, nor a headline ending
    the line straight after a dropped one (no sentence's end: "LIRE AUSSI. Vèze : le pont
    fermé trois semaines", a teaser's label and its headline)."""
    kept = [s for n, s in enumerate(line, first) if n not in dropped]
    last = first + len(line) - 1
    after_dropped = 1 < len(line) and len(kept) < len(line) and last - 1 in dropped and last not in dropped
    if after_dropped and not _ends_sentence(line[-1]):
        kept.pop()
    return kept


def normalise(raw: str) -> NormalisedText:
    """HTML -> clean paragraphs -> tokens.  Boilerplate is dropped sentence by sentence."""
    lines = [split_sentences(line) for line in _story_lines(_clean_lines(html_to_text(raw)))]
    dropped = _furniture([s for line in lines for s in line])
    paragraphs: list[str] = []
    sentences: list[str] = []
    opening: list[int] = []  # the number of each paragraph's first sentence
    first = 0  # the number of the line's first sentence
    for line in lines:
        kept = _kept(line, first, dropped) if dropped else line
        first += len(line)
        if kept:
            paragraphs.append(" ".join(kept))
            opening.append(len(sentences))
            sentences.extend(kept)
    words, starts = _sentence_words(sentences)
    return NormalisedText(
        paragraphs=tuple(paragraphs),
        words=tuple(words),
        sentence_starts=tuple(starts),
        paragraph_starts=tuple(starts[n] for n in opening),
    )


def _sentence_words(sentences: list[str]) -> tuple[list[str], list[int]]:
    """All sentences' word tokens in one pass, and where each sentence starts."""
    joined = f" {_SEP} ".join(sentences)
    try:
        encoded: bytes | None = joined.encode("latin-1")
    except UnicodeEncodeError:
        encoded = None
    # One byte a character either way ("?" for one Latin-1 lacks): its classes line up.
    classes = (encoded or joined.encode("latin-1", "replace")).translate(_CLOCK_CLASSES)
    if _CLOCK.search(classes) is not None:
        joined = _on_24_hour_clock(joined, classes)
        encoded = joined.encode("latin-1") if encoded is not None else None
    if encoded is None:
        joined = _figures_apart(joined)
        cjk = _HAS_CJK.search(joined) is not None
        found = _cjk_pairs(_CJK_RUN_WORD_OR_SEP.findall(joined)) if cjk else _WORD_OR_SEP.findall(joined)
        return _split_at(found, _SEP, bool(sentences))
    latin1 = _apart_at(encoded.translate(_LATIN1_WORDS).decode("latin-1"), encoded.translate(_LATIN1_CLASSES))
    return _split_at(latin1.split(), _LATIN1_SEP, bool(sentences))  # split once: no list per sentence


# A time on the 12-hour clock is the same time on the 24-hour clock: one outlet's "3pm", "3 PM"
# or "6:50 p.m." is another's "15:00" or "18.50" (a translation's "18.50 Uhr"), so a figure of
# an hour (1 to 12, or 1:00 to 12:59 with its colon gone) and its "am" or "pm" in any style
# become the 24-hour clock's figure ("12:30 a.m." is "030", as "00:30" is).  A lower-case "am"
# without points is a time only in a text that reads as English (German writes "1:0 am
# Samstag", "die 10 am häufigsten").
# Found in each character's class, one a byte (a digit "0", a letter of "am" or "pm" "a" or
# "m", a point ".", another Latin-1 letter or digit, or any byte from 0x80, "x", anything else
# a space; a character Latin-1 lacks is a space): one translation and a search for a literal
# "0", not a pattern tried at every place.
_CLOCK_CLASSES = bytes(
    0x30 if chr(b).isdecimal() else 0x61 if b in b"apAP" else 0x6D if b in b"mM" else 0x2E if b == 0x2E
    else 0x78 if chr(b).isalnum() or b >= 0x80 else 0x20
    for b in range(256)
)  # fmt: skip
_CLOCK = re.compile(rb"0 ?a\.?m(?![0xam])")  # a figure's last digit on: a literal first, found fast


def _on_24_hour_clock(joined: str, classes: bytes) -> str:
    """``joined`` with each time on the 12-hour clock written as the 24-hour clock's figure,
    given its characters' ``_CLOCK_CLASSES``; ``joined`` itself when it has none."""
    pieces: list[str] = []
    done = 0  # where the text not yet in pieces starts
    english: bool | None = None  # whether the text reads as English, once asked
    for found in _CLOCK.finditer(classes):
        last, end = found.span()
        start = last  # back to the figure's first digit, of four at most
        while start > 0 and last - start < 3 and classes[start - 1] == 0x30:
            start -= 1
        if start and classes[start - 1] in b"0xam.":
            continue  # inside a word or a figure of five digits or more
        meridiem = joined[end - 2 : end]
        if meridiem == "am":
            if english is None:
                english = reads_as_english(_WORD.findall(joined[:2000]))
            if not english:
                continue
        figure = joined[start : last + 1]
        hour, minute = divmod(int(figure), 100) if len(figure) > 2 else (int(figure), 0)
        if 1 <= hour <= 12 and minute < 60:
            letter = joined[end - 3] if meridiem[0] == "." else meridiem[0]  # "a.m": its "a"
            hour = hour % 12 + (12 if letter in "pP" else 0)
            pieces += (joined[done:start], f"{hour}{minute:02d}" if minute else str(hour))
            done = end
    return "".join([*pieces, joined[done:]]) if pieces else joined


def _split_at(found: list[str], sep: str, any_sentence: bool) -> tuple[list[str], list[int]]:
    """Tokens with sentence separators among them -> the words, and where each sentence starts."""
    words: list[str] = []
    starts = [0] if any_sentence else []
    i = 0
    while True:
        try:
            j = found.index(sep, i)
        except ValueError:
            words.extend(found[i:])
            return words, starts
        words.extend(found[i:j])
        starts.append(len(words))
        i = j + 1
