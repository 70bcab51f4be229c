from worker.core.normalise import (
    _joined_decimals,
    _joined_thousands,
    html_to_text,
    normalise,
    split_sentences,
    tokenize,
    word_tokens,
)


def test_html_is_reduced_to_paragraph_text():
    html = "<html><body><nav>Home | News</nav><p>First <b>bold</b> para.</p><script>x=1</script><p>Second.</p></body></html>"
    text = html_to_text(html)
    assert "First bold para." in text and "Second." in text
    assert "x=1" not in text and "Home" not in text


def test_plain_text_passes_through_html_stripping():
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_boilerplate_sentences_and_lines_are_dropped():
    raw = "\n".join(  # noqa: FLY002 - one scraped line a row reads better than one long string
        [
            "By Jane Smith",
            "| 12 April 2024, Friday |",
            "The council approved the budget on Monday after a long debate about schools.",
            "Also read: Ten ways to save money this winter",
            "Spending on roads will rise by a fifth next year, the finance chief said.",
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "(Reporting by John Doe; Editing by Ann Lee)",
        ]
    )
    text = normalise(raw)
    assert text.paragraphs == (
        "The council approved the budget on Monday after a long debate about schools.",
        "Spending on roads will rise by a fifth next year, the finance chief said.",
    )


def test_datelines_time_stamps_and_captions_are_not_the_story():
    raw = "\n".join(  # noqa: FLY002 - one scraped line a row reads better than one long string
        [
            "Published 13:47 GMT, 3 March 2026 | Updated 14:05 GMT",
            "WEXMOOR, March 3 (Harbourline News) - A ferry collided with a container ship in fog on Tuesday.",
            "The ferry Marra Bay back at its berth after the collision. (Photo: Harbourline News/Sam Ridley)",
            "Image caption: Divers at the harbour wall.",
            "Rescue boats reached the ferry within 20 minutes, the coastguard said.",
            "Posted: Thursday, March 12, 2026, 4:38 p.m. ET",
            "LONDON (Reuters) - Nobody was hurt, the operator said.",
            "(Meridian Wire) - The ferry will be towed to dry dock.",
            "ESTRELLE Aug 28 (APA) — The operator will pay for the repairs. — Harbourline News Agency",
            "(c) 2026 Harbourline News. This material may not be published, broadcast or redistributed.",
        ]
    )
    assert normalise(raw).paragraphs == (
        "A ferry collided with a container ship in fog on Tuesday.",
        "Rescue boats reached the ferry within 20 minutes, the coastguard said.",
        "Nobody was hurt, the operator said.",
        "The ferry will be towed to dry dock.",
        "The operator will pay for the repairs.",
    )
    # Sentences of the story that open with capitals or tell a time stay whole.
    kept = "US - China talks resume on Monday at 5 pm, officials said. On Monday at 5 the mayor spoke."
    assert normalise(kept).paragraphs == (kept,)
    kept = "NASA said on Monday - and the agency confirmed it - that the probe was lost."
    assert normalise(kept).paragraphs == (kept,)  # no comma and no agency in brackets: no dateline
    kept = "(Updated) Figures were revised on Monday - the ministry said so - and again on Tuesday."
    assert normalise(kept).paragraphs == (kept,)  # brackets opening a line, no dash after them: no agency
    for kept in ("The score was 2-1 - Real Madrid won it late.", "He resigned. - Anna Berg, the chair, took over."):
        assert normalise(kept).paragraphs == (kept,)  # a sentence after the dash: no credit
    assert normalise("Members of the board split evenly on the plan (50/50)").paragraphs != ()


def test_boilerplate_inside_a_paragraph_is_dropped_sentence_by_sentence():
    text = normalise("The vote passed easily on Tuesday evening. Read more: Other news today. The mayor welcomed it.")
    assert text.paragraphs == ("The vote passed easily on Tuesday evening. The mayor welcomed it.",)


def test_typography_and_case_do_not_change_tokens():
    a = normalise("“Quoted” text — with dashes, and  spaces.")
    b = normalise('"quoted" TEXT - with dashes, and spaces.')
    assert a.tokens == b.tokens


def test_a_unit_written_onto_a_figure_comes_off_it():
    a = normalise("Services stopped at 6:50 a.m. and cost 2.3 billion over 12 km.").words
    b = normalise("Services stopped at 6.50am and cost 2.3bn over 12km.").words
    assert [w for w in a if w[0].isdigit()] == [w for w in b if w[0].isdigit()] == ["650", "23", "12"]
    # A time's "a.m." is its "am", word for word, and a name's initials stay letters.
    assert (
        normalise("Ferries resume at 6:30 a.m. Saturday and 5 P.M. Sunday.").words
        == normalise("Ferries resume at 6.30am Saturday and 5pm Sunday.").words
    )
    assert normalise("Ana M. Ruiz, sales at 5.m. prices").words == (
        "Ana",
        "M",
        "Ruiz",
        "sales",
        "at",
        "5",
        "m",
        "prices",
    )
    assert "C40" in normalise("The code C40 stays a word.").words  # a letter first: not a figure
    # Latin-1 text (split without the regex engine) and other text (with it) alike.
    for text in ("Fares rose 4.5% to £12bn at 6.50am, 1st of 3x2 rounds.", "Fares rose 4.5% to €12bn at 6.50am."):
        assert list(normalise(text).words) == word_tokens(text.replace("4.5%", "45 percent").replace("6.50am", "650"))


def test_a_figure_is_one_number_whatever_its_thousands_separator():
    for figures in ("4,600 homes and 1,250,000", "4.600 homes and 1.250.000", "4 600 homes and 1 250 000",
                    "4600 homes and 1250000"):  # fmt: skip
        text = f"The storm damaged {figures} euros of roads, the council said."
        assert [w for w in normalise(text).words if w[0].isdigit()] == ["4600", "1250000"], text
    # Latin-1 text (joined without the regex engine) and other text (with it) alike.
    for text in ("1,250,000 and 12345,678 and 2.4,600 and 9 999 999 and 1.000.000,50 and 12 123 1234", "x1,000 4.75"):
        joined, latin1 = _joined_thousands(text, text.encode("latin-1"))
        assert joined + " ☃" == _joined_thousands(text + " ☃", None)[0] and latin1 == joined.encode("latin-1")
    # Years side by side and lists stay apart.
    assert [w for w in normalise("Rates of 4.75% in 2024 200 rooms, 101, 102.").words if w[0].isdigit()] == [
        "475", "2024", "200", "101", "102"]  # fmt: skip


def test_a_figure_with_a_decimal_point_or_comma_is_one_figure():
    """2.3 million and 2.6 million are two figures, not a "2" each beside a one-character
    token no fingerprint keeps: an update that changes a figure after its point changes a
    figure.  A point, a comma or a time's colon: one figure in every house style."""

    def figures(text: str) -> list[str]:
        return [w for w in normalise(text).words if w[0].isdigit()]

    assert figures("Recalled 2.3 million bottles; shares fell 6.4% to $31.12 at 6:50 a.m.") == [
        "23", "64", "3112", "650"]  # fmt: skip
    assert figures("Recalled 2.6 million bottles; shares fell 7.1% to $31.12 at 6.50am.") == ["26", "71", "3112", "650"]
    assert figures("Rund 2,3 Millionen Flaschen, 6,4 % und 1.250.000,50 Euro.") == ["23", "64", "125000050"]
    assert figures("Почти 2,3 млн бутылок и 3,5 тыс. рублей.") == ["23", "3500"]  # decimal before a thousands word
    # Latin-1 text (joined without the regex engine) and other text (with it) alike.
    for text in ("2.3 and 4,5 and 6:50 and 1.2.3 and 7. 8 and x.9 and 10.", "1,5 mil 3.25"):
        assert _joined_decimals(text, text.encode("latin-1")) + " ☃" == _joined_decimals(text + " ☃", None)


def test_digits_of_other_scripts_are_the_same_figures():
    arabic = normalise("قتل ٣٤ شخصا و ١٢٠٠ جريح في ۵۰ قرية").words
    assert [w for w in arabic if w[0].isdigit()] == ["34", "1200", "50"]  # Arabic-Indic and Persian digits


def test_figures_counted_in_myriads_are_the_figures_english_writes():
    """210万 is 2.1 million, 4万 40,000, 13亿 1.3 billion, 6 만 60,000: the same figures as
    the English text's (its multiplier word is not a figure), whatever the script."""

    def figures(text: str) -> list[str]:
        return [w for w in normalise(text).words if w[0].isdigit()]

    english = figures("About 2.1 million people, 40,000 commuters, 1.3 billion euros and 60,000 fans.")
    assert english == ["21", "40000", "13", "60000"]
    assert figures("约210万人，4万名通勤者，13亿欧元和6万名球迷。") == english
    assert figures("約210万人、4万人の通勤客、13億ユーロ、6万人のファン。") == english
    assert figures("약 210만 명, 통근자 4만 명, 13억 유로, 팬 6 만 명.") == english
    assert figures("销量达12.5万台，债务3.25亿，资产120億。") == ["125000", "325", "12"]  # 325 million, 12 billion
    assert figures("万一发生事故，万人空巷，他说。") == []  # no figure before it: a word
    compounded = figures("4億1000万ユーロ、1日3万8000人、2억 1200만 달러라고 말했다.")
    assert compounded == ["410", "1", "38000", "212"]  # 410 million, 1 a day, 38,000, 212 million


def test_figures_written_with_a_word_for_thousands_are_the_figures_english_writes():
    def figures(text: str) -> list[str]:
        return [w for w in normalise(text).words if w[0].isdigit()]

    english = figures("About 28,000 people, 1,500 cars and 60,000 euros, the mayor said.")
    assert english == ["28000", "1500", "60000"]
    assert figures("Cerca de 28 mil pessoas, 1,5 mil carros e 60 mil euros, disse o prefeito.") == english
    assert figures("Circa 28 mila persone, 1,5 mila auto e 60 mila euro, ha detto il sindaco.") == english
    assert figures("Около 28 тыс. человек, 1,5 тыс. машин и 60 тыс. евро, сказал мэр.") == english
    assert figures("نحو ٢٨ ألف شخص و١٫٥ ألف سيارة، قال رئيس البلدية.")[:1] == ["28000"]
    # Not a thousands word: a longer word, a capital, no figure before it.
    assert figures("The 5 military units drove 30 miles, 2 Mil cars, he said.") == ["5", "30", "2"]
    assert figures("Σε 15 χιλιόμετρα από την πόλη, είπε.") == ["15"]


def test_cjk_is_tokenised_in_character_pairs_and_cyrillic_per_word():
    assert tokenize("北京会谈") == ["北京", "京会", "会谈"]
    assert tokenize("在 北 RTA会谈2024年") == ["在", "北", "rta", "会谈", "2024", "年"]
    assert tokenize("Москва сегодня") == ["москва", "сегодня"]


def test_text_of_only_furniture_has_no_tokens():
    assert normalise("<div><nav>Menu</nav><footer>© 2026</footer></div>").tokens == ()


def test_furniture_patterns_stop_at_the_end_of_a_sentence():
    """Sentences are matched all at once, one per line: a pattern must not read on into the
    next sentence ("Share" + "this..." is not "Share this")."""
    text = normalise(
        "Officials met on Monday and agreed on a plan for the harbour. Share\n"
        "this plan with the regional authorities before the vote, the mayor said."
    )
    assert text.paragraphs[0].endswith("harbour. Share") and len(text.paragraphs) == 2
    assert normalise("The plan was agreed. Share this story: it matters.").paragraphs == ("The plan was agreed.",)


def test_whitespace_of_every_kind_becomes_one_space():
    """Cleaning maps whitespace to spaces with one table built up to U+3000: no whitespace
    character lies beyond it."""
    import sys

    assert not [c for c in range(0x3001, sys.maxunicode + 1) if chr(c).isspace()]
    text = normalise("Tabs\tand\u00a0no-break\u2009thin\u3000wide \x1f unit  spaces, all in one sentence here.")
    assert text.paragraphs == ("Tabs and no-break thin wide unit spaces, all in one sentence here.",)


def test_text_beyond_ascii_is_cleaned_as_the_table_says():
    """Text that is not all ASCII is cleaned by a pattern (str.translate is slow on it): the
    same lines as the table gives, for every character the table changes, among others."""
    import unicodedata

    from worker.core.normalise import _CLEAN, _clean_lines

    def by_table(text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", "\n".join(text.splitlines())).translate(_CLEAN)
        while "  " in text:
            text = text.replace("  ", " ")
        return [line.strip(" ") for line in text.split("\n")]

    changed = "".join(chr(c) for c, v in _CLEAN.items() if chr(c) != v)
    sample = f"Café “Zürich” — naïve ‘quote’\u00a0end € 1⁄2 {' x '.join(changed)} done"
    assert not sample.isascii() and len(_clean_lines(sample)) > 3  # line separators among them
    assert _clean_lines(sample) == by_table(sample)
    assert _clean_lines("plain\tascii “") == by_table("plain\tascii “") == ['plain ascii "']


def test_a_line_of_topics_and_a_byline_with_its_date_are_furniture():
    story = "The harbour in Vellmar will close for repairs from Monday, the port operator said on Friday."
    page = (
        "By Clare Donnelly | Published 27 September 2025 | Printable version | Email this story\n\n"
        f"{story}\n\nTopics: Charity Science Music Local government Film Transport\n\n"
        "Tags: harbour, Vellmar, port operator, repairs, closures"
    )
    assert normalise(page).text == story
    # A sentence opening with "By" and a name, or a topic in it, is the story.
    kept = "By Tuesday, the union will strike, the leader said. The topics: pay and hours, she said."
    assert normalise(kept).text == kept


def test_a_percent_sign_and_per_cent_are_the_word_percent():
    written = ("Profit rose 12.4% to 318 million.", "Profit rose 12.4 % to 318 million.",
               "Profit rose 12.4 percent to 318 million.", "Profit rose 12.4 per cent to 318 million.")  # fmt: skip
    assert {normalise(t).words for t in written} == {("Profit", "rose", "124", "percent", "to", "318", "million")}


def test_a_box_of_headlines_and_a_photo_credit_inside_the_story_are_furniture():
    first = "The bridge will stay closed for three weeks while engineers inspect its steel hangers, officials said."
    middle = "Cracks were found in two of its 96 hangers during a routine inspection last week."
    last = "Drivers were told to use the ring road, which adds about 20 minutes to the journey."
    page = "\n\n".join(  # noqa: FLY002 - one scraped line a row reads better than one long string
        [
            first,
            "A worker checks a hanger on the bridge on Monday. Photograph: Pieter Hallan/Nordwire",
            middle,
            "You may also like:",
            "Who pays for the city's bridges, and why is it always late?",
            "Ring road roadworks to finish before the winter, council says",
            "Why the city's bridges are ageing faster than planned",
            "You might like: Council names its new chief engineer after a long search.",
            "Traffic queues on the ring road. Westgate Press Agency/Ines Larrue",
            last,
        ]
    )
    # A caption ending in its labelled credit goes whole; after a credit alone, a sentence stays.
    assert normalise(page).paragraphs == (first, middle, "Traffic queues on the ring road.", last)
    # One line without punctuation is a short title or a subhead: only those of six words or
    # fewer go; a run of two is a list, whatever their length.
    title = "Bridge closed for three weeks after cracks found in its steel hangers"
    assert normalise(f"{title}\n\n{first}").paragraphs == (title, first)
    # A question is in a list between headlines only: after a subhead, before a paragraph, the story's.
    assert normalise(f"{title}\n\nWhat happens next?\n\n{last}").paragraphs == (title, "What happens next?", last)
    # An agency's credit in brackets after a paragraph goes; the paragraph stays.
    assert normalise(f"{first} (Harlen News Agency)\n\n{last} (AP)").paragraphs == (first, last)
    # A slash between names inside a sentence is not a credit.
    kept = "The Reuters/Ipsos poll found support for the plan at 41 percent, up from 35 in May."
    assert normalise(kept).paragraphs == (kept,)


def test_teasers_credits_call_outs_and_lines_of_items_between_paragraphs_are_furniture():
    story = "The court revoked the mining permit on Thursday, ruling that the river study was flawed."
    page = "\n\n".join(  # noqa: FLY002 - one scraped line a row reads better than one long string
        [
            story,
            "Protesters outside the High Court on Thursday morning. | Photograph by Amir Kassab",
            "WATCH: Farmers celebrate outside court after ruling (video, 2:10)",
            "- Story continues below advertisement -",
            "Averna extends red alert · AGC names new chairman · Tourist bookings dip as heat persists",
            "Distributed by NewsLink Syndication.",
            "Most read: Woman, 84, reunited with lost wedding ring after 30 years",
            "Also in the news: Rail strike talks collapse as drivers reject pay offer",
            "Are you affected by the ruling? Share your experiences by emailing us.",
            "If you have been affected by the issues in this story, support is available.",
            "This article was amended on 13 March 2026 to correct the name of the river.",
            "Contact the newsroom at newsdesk@example.com.",
            "Have you been affected? Email newsdesk@gazette.example with your story.",
            "Smoke over the plant on Thursday. Picture: Owen Castell / Midland Gazette",
            "Farmers outside the court on Thursday. (Illustration: Elena Marsh)",
        ]
    )
    assert normalise(page).paragraphs == (story,)
    # Items inside a sentence, and a video or photograph the story tells of, are the story.
    kept = "Prices of bread | milk | eggs rose 3 percent. The video shows the photograph by the river."
    assert normalise(kept).paragraphs == (kept,)
    kept = "Email the minister with your questions, she said. Have you seen the report, he asked."
    assert normalise(kept).paragraphs == (kept,)


def test_a_figure_is_the_same_with_an_empty_fraction_or_a_leading_zero():
    """Outlets write times and amounts by house style: "3:00 p.m." and "3 p.m.", "08:05" and
    "8.05", "12,00 Euro" and "12 Euro" are one figure; a fraction that is not empty, a
    date's parts, and a zero alone before the point stay as they were."""

    def figures(text: str) -> list[str]:
        return [w for w in normalise(text).words if w[0].isdigit()]

    assert figures("The polls close at 3:00 p.m. and results come at 08:05 for 12,00 euros.") == ["15", "805", "12"]
    assert figures("The polls close at 3 p.m. and results come at 8.05 for 12 euros.") == ["15", "805", "12"]
    assert figures("Il distacco è avvenuto poco dopo le 3.00, dopo 180 millimetri.") == ["3", "180"]
    assert figures("O alerta foi dado às 7h40 e às 07:40, e às 18h00 ou 18 h 05.") == ["740", "740", "18", "1805"]
    assert figures("Rates of 2.50 and 1.05, a 0.5 rise, on 10.00.2026 and 15.05.2026.") == [
        "250", "105", "05", "10002026", "15052026"]  # fmt: skip
    for text in ("At 3:00, 08:05, 2.0 and 1.2.00 in 0.5", "Um 3.00 Uhr, 08.05"):
        assert _joined_decimals(text, text.encode("latin-1")) + " ☃" == _joined_decimals(text + " ☃", None)


def test_a_time_on_the_12_hour_clock_is_the_same_time_on_the_24_hour_clock():
    """A time is one figure on either clock: "3pm" is "15:00" and "6:50 p.m." is "18.50" (a
    translation's "18.50 Uhr"); "12 a.m." is midnight; a figure that is no hour, and "am"
    that is no time, stay as they were."""
    assert (
        normalise("Polls close at 3pm, counting starts at 6:50 p.m. and ends at 8.05 a.m. or 12 AM.").words
        == normalise("Polls close at 15:00, counting starts at 18.50 and ends at 08:05 or 00:00.").words
    )
    assert [w for w in normalise("Die Wahllokale schließen um 15 Uhr, gezählt wird ab 18.50 Uhr.").words
            if w[0].isdigit()] == ["15", "1850"]  # fmt: skip
    assert normalise("Of 13 pm readings and 1260 am lines, I am sure 12:30 PM is 1230.").words == (
        "Of", "13", "pm", "readings", "and", "1260", "am", "lines", "I", "am", "sure", "1230", "is", "1230")  # fmt: skip
    assert normalise("3pm, 12:30 a.m. and 12:05 a.m. passed, A3pm and 12345pm not.").words == normalise(
        "15:00, 00:30 and 00:05 passed, A3pm and 12345pm not.").words  # fmt: skip
    # German "am" after a figure is no time: "1:2 am Samstag" (a score), "die 10 am häufigsten".
    german = normalise("Der BVB verlor 1:2 am Samstag, wie die 10 am häufigsten Fans.").words
    assert german[3:6] == ("12", "am", "Samstag") and german[8:11] == ("10", "am", "häufigsten")
    # Latin-1 text (split without the regex engine) and other text (with it) alike.
    assert normalise("Ferries leave at 3pm ☃.").words == ("Ferries", "leave", "at", "15")


def test_furniture_written_in_other_european_languages_is_not_the_story():
    """Teasers, captions and credits, time stamps, bylines, rights notices and calls to
    subscribe as sites writing in German, French, Spanish, Italian, Portuguese and Dutch write
    them, and an agency's dateline after the place as those agencies write it."""
    stories = {
        "de": "Der Stadtrat von Kellbruck hat am Montag den Bau einer neuen Brücke über die Lanne beschlossen.",
        "fr": "Le conseil municipal de Bréval a voté lundi la construction d'un nouveau pont sur la Seillonne.",
        "es": "El ayuntamiento de Valmora aprobó el lunes la construcción de un nuevo puente sobre el río Tera.",
        "it": "Il consiglio comunale di Roccaserena ha approvato lunedì la costruzione di un nuovo ponte sul Varo.",
        "pt": "A câmara municipal de Vila Serrada aprovou na segunda-feira a construção de uma nova ponte.",
        "nl": "De gemeenteraad van Oudekerk heeft maandag ingestemd met de bouw van een nieuwe brug over de Linge.",
    }
    furniture = {
        "de": ["Kellbruck (dpa) | Aktualisiert am 15.05., 07:12 Uhr", "Lesen Sie auch: Neues Freibad öffnet im Juni",
               "Die Brücke bei Nacht. (Archivbild: Tom Weller/dpa)", "Bildunterschrift: Die alte Brücke im Winter.",
               "Abonnieren Sie unseren Newsletter.", "Alle Rechte vorbehalten.", "Anzeige"],
        "fr": ["Par La Gazette des Forges avec AFP - Publié le 21/05 à 14h32", "À lire aussi : Un festival de jazz en juin",
               "Le vieux pont en hiver. (AFP / Lena Roux)", "Tous droits réservés.",
               "Pour ne rien manquer de l'actualité, abonnez-vous à notre newsletter."],
        "es": ["Lee también: La feria del libro abre sus puertas", "Publicado el 7 de mayo a las 13:08",
               "Suscríbete a nuestro boletín.", "Todos los derechos reservados.", "Publicidad"],
        "it": ["Leggi anche: Il festival del cinema torna a luglio", "Foto: il vecchio ponte in inverno.",
               "Riproduzione riservata.", "Iscriviti alla newsletter."],
        "pt": ["Leia também: Festival de música começa em junho", "Publicado em 7 de maio às 13h08",
               "Todos os direitos reservados."],
        "nl": ["Lees ook: Nieuw zwembad gaat in juni open", "Alle rechten voorbehouden.", "Volg ons op sociale media.",
               "De brug bij nacht. © Bas Hendriks / Stadsfoto", "Meer nieuws: Markt verhuist naar het plein",
               "Download de app van de krant en mis geen nieuws."],
        "pt-comments": ["Este artigo foi publicado ao abrigo de um acordo com a agência.",
                        "Os comentários estão sujeitos às regras de moderação do jornal."],
        "fr-teaser": ["LIRE AUSSI. Vèze : le pont de la Tannerie fermé trois semaines",
                      "Vous souhaitez réagir à cet article ? Connectez-vous pour laisser un commentaire."],
    }  # fmt: skip
    stories["pt-comments"], stories["fr-teaser"] = stories["pt"], stories["fr"]
    for language, story in stories.items():
        page = "\n\n".join([furniture[language][0], story, *furniture[language][1:]])
        assert normalise(page).paragraphs == (story,), language
    more = {
        "de": ["Mehr aus der Region: Neuer Radweg freigegeben", "Diskutieren Sie mit in den Kommentaren.",
               "Schlagwörter: Brücke, Stadtrat, Verkehr"],
        "es": ["Noticia relacionada: Cortes de tráfico en la avenida", "Con información de AIN.",
               "Etiquetas: Vivienda, Ayuntamiento"],
    }  # fmt: skip
    for language, lines in more.items():
        assert normalise("\n\n".join([stories[language], *lines])).paragraphs == (stories[language],), language
    assert len(split_sentences("Den Schaden beziffert der Verband auf 38 Mio. Euro.")) == 1
    for dateline, rest in (("Berlin (dpa) - ", stories["de"]), ("Valmora, 7 may (EFE).- ", stories["es"])):
        assert normalise(dateline + rest).paragraphs == (rest,)
    # The same words inside a story's sentence are the story.
    kept = "Der Rat sagte, alle Rechte der Anwohner blieben gewahrt. Die Leser sollen auch lesen, was er sagte."
    assert normalise(kept).paragraphs == (kept,)


def test_a_title_or_an_initial_with_its_point_ends_no_sentence():
    """House styles write "Mr. Aldane" and "Mr Aldane": one sentence and the same words either
    way; an initial's point ("J. K. Ellery", "U.S.") ends no sentence either."""
    with_points = 'Outside court, Det. Insp. Ellery said: "Mr. Aldane betrayed the Senate." Dr. Mallory left.'
    without = 'Outside court, Det Insp Ellery said: "Mr Aldane betrayed the Senate." Dr Mallory left.'
    assert normalise(with_points).words == normalise(without).words
    assert normalise(with_points).sentence_starts == normalise(without).sentence_starts == (0, 11)
    assert len(split_sentences("J. K. Ellery spoke to the U.S. Senate on Monday.")) == 1
    assert split_sentences("It ended at No. 10. Then it rained.") == ["It ended at No. 10.", "Then it rained."]
    # Nor a month's, nor a time's "a.m." before its day or zone, as another style's "05:00 Monday".
    for text in ("The storm hit at 5 a.m. Monday, Sept. 9, and left.", "Talks began at 10:30 a.m. EDT (1430 GMT)."):
        assert split_sentences(text) == [text]
    assert split_sentences("It hit at 5 a.m. The town slept.") == ["It hit at 5 a.m.", "The town slept."]
