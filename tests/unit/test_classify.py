from dataclasses import replace

import numpy as np
import pytest

from worker.core.classify import (
    IDENTICAL,
    BestMatch,
    Candidate,
    Label,
    Thresholds,
    Verdict,
    best_copy,
    verify,
    verify_each,
)
from worker.core.decision import FACT_CONFIDENCE, FIGURES_ALONE, NAME_MINIMA_AGREEING, restated_facts
from worker.core.fingerprint import Signature, signature
from worker.core.normalise import normalise

STORY = (
    "Firefighters contained a wildfire that burned 2,300 hectares of pine forest near Castelo Verde on Wednesday. "
    "Regional governor Marta Sousa said 400 residents evacuated from three villages could return home by Friday. "
    "Investigators believe the fire started at a sawmill during a heatwave with temperatures above 41 degrees. "
    "Two firefighters were treated for smoke inhalation, and no homes were destroyed, the civil protection agency said."
)
REWORDED = (
    "A wildfire that scorched 2,300 hectares of pine woodland close to Castelo Verde was brought under control on Wednesday. "
    "The 400 residents evacuated from three villages should be able to go back home by Friday, regional governor Marta Sousa said. "
    "The blaze is thought to have begun at a sawmill in a heatwave that pushed temperatures past 41 degrees, according to investigators. "
    "The civil protection agency said no homes were destroyed, though two firefighters needed treatment for smoke inhalation."
)
# The same event reported independently: same names, place and topic words, but every
# sentence adds or drops a detail (soldiers, farmers, police, Spanish planes).
INDEPENDENT = (
    "Firefighters said on Wednesday they had contained the wildfire in the pine forest near Castelo Verde after four days, with help from water-bombing planes sent by Spain. "
    "Regional governor Marta Sousa said residents of three villages could return home, but warned that 150 soldiers would stay to guard against flare-ups until Sunday. "
    "Farmers said the fire, which investigators believe started at a sawmill during the heatwave, had destroyed olive groves and killed livestock. "
    "Two firefighters were treated in hospital, the civil protection agency said, and police questioned a 52-year-old sawmill worker."
)
# A loose rewrite (as machine translation or an AI rewrite reshapes sentences): sentences
# merged and reordered, so they no longer align, but every name and figure is kept.
LOOSE = (
    "Castelo Verde: after a wildfire that burned some 2,300 hectares of pine forest, fire crews said on Wednesday the blaze was contained, and 400 people "
    "moved out of three villages may be home again by Friday, regional governor Marta Sousa said, while investigators suspect a sawmill, "
    "where the fire is believed to have started amid heat of more than 41 degrees. "
    "No houses were lost. Two members of the fire service received treatment after breathing smoke, the agency for civil protection reported."
)
UNRELATED = (
    "The national orchestra announced a new principal conductor on Tuesday, ending a two-year search. "
    "Yuki Tanabe, 38, will take up the post next September and conduct twelve concerts in her first season. "
    "She said she wanted to bring more contemporary music to the programme and to tour smaller towns."
)


def sig(text):
    return signature(normalise(text))


def test_same_text_with_furniture_is_a_duplicate():
    copy = "By Staff Writer\n" + STORY + "\nShare this article\nAll rights reserved."
    assert verify(sig(copy), sig(STORY), Thresholds()).label is Label.DUPLICATE


def test_truncated_copy_is_a_duplicate():
    first_three = STORY.rsplit(" Two firefighters", 1)[0]
    assert verify(sig(first_three), sig(STORY), Thresholds()).label is Label.DUPLICATE


def test_reworded_story_is_a_rewrite():
    verdict = verify(sig(REWORDED), sig(STORY), Thresholds())
    assert verdict.label is Label.REWRITE and verdict.distance > 3


def test_unrelated_story_is_not_a_copy():
    assert verify(sig(UNRELATED), sig(STORY), Thresholds()).label is Label.ORIGINAL


def test_the_cut_offs_decide():
    assert verify(sig(REWORDED), sig(STORY), Thresholds()).label is Label.REWRITE
    assert verify(sig(REWORDED), sig(STORY), Thresholds(copy_probability=0.9999)).label is Label.ORIGINAL
    assert verify(sig(REWORDED), sig(STORY), Thresholds(candidate_floor=0.99)).label is Label.ORIGINAL


def test_independent_report_of_the_same_event_is_not_a_rewrite():
    # Shares names, place and topic words with the story; the fitted decision (sentence
    # alignment, facts kept) is what keeps it an original.
    verdict = verify(sig(INDEPENDENT), sig(STORY), Thresholds())
    assert verdict.label is Label.ORIGINAL and verdict.features is not None
    assert verify(sig(INDEPENDENT), sig(STORY), Thresholds(copy_probability=0.01)).label is Label.REWRITE


def test_loose_rewrite_keeping_every_fact_is_a_rewrite():
    verdict = verify(sig(LOOSE), sig(STORY), Thresholds())
    assert verdict.label is Label.REWRITE
    assert (
        verify(sig(LOOSE), sig(STORY), Thresholds(copy_probability=verdict.similarity + 0.001)).label is Label.ORIGINAL
    )


PORT = (
    "The port of Elling handled a record 4.2 million containers in 2025, 8 percent more than a year earlier, the harbour authority said on Thursday. "
    "Chief executive Lena Marsk said the new Kessel Quay, opened in March at a cost of 610 million euros, handled 900,000 of them. "
    "The port employs 3,400 people and plans a rail link to Dornbach by 2029. "
    "The shipping lines Vellmar and Osterlund have signed ten-year contracts, Marsk told reporters in Elling."
)
PORT_DE = (
    "Der Hafen von Elling hat 2025 die Rekordmenge von 4,2 Millionen Containern umgeschlagen, 8 Prozent mehr als ein Jahr zuvor, teilte die Hafenbehörde am Donnerstag mit. "
    "Nach Angaben von Geschäftsführerin Lena Marsk wurden 900.000 davon am neuen Kessel Quay abgefertigt, der im März für 610 Millionen Euro eröffnet wurde. "
    "Der Hafen beschäftigt 3.400 Menschen und plant bis 2029 eine Bahnverbindung nach Dornbach. "
    "Die Reedereien Vellmar und Osterlund haben Verträge über zehn Jahre unterzeichnet, sagte Marsk vor Journalisten in Elling."
)
# Another report on the port in German: the same names, other figures.
PORT_DE_OTHER = (
    "Der Hafen von Elling will bis 2031 einen zweiten Kai neben dem Kessel Quay bauen, kündigte Geschäftsführerin Lena Marsk am Montag an. "
    "Das Projekt soll 350 Millionen Euro kosten und 1.200 Arbeitsplätze schaffen. "
    "Die geplante Bahnverbindung nach Dornbach werde sich dadurch um zwei Jahre verzögern, sagte Marsk. "
    "Die Reederei Vellmar begrüßte die Pläne, Umweltverbände in Elling kündigten Widerstand an."
)


QUAKE = (
    "A magnitude 6.4 earthquake struck the Varna valley at 03:42 on 14 June, killing 37 people and injuring 412, the civil protection agency said. "
    "About 2,800 homes were damaged and 16,000 people spent the night in 45 shelters. "
    "Rescue teams from Ostrava and Kessel brought 120 sniffer dogs. "
    "Governor Ilse Brandt said repairs would cost at least 85 million euros and take until 2027."
)
# The same in Russian: its names in Cyrillic, only its figures comparable.
QUAKE_RU = (
    "Землетрясение магнитудой 6,4 произошло в долине Варна в 03:42 14 июня, погибли 37 человек, 412 получили ранения, сообщило агентство гражданской защиты. "
    "Повреждены около 2 800 домов, 16 000 человек провели ночь в 45 пунктах временного размещения. "
    "Спасатели из Остравы и Кесселя привезли 120 служебных собак. "
    "Губернатор Ильзе Брандт заявила, что восстановление обойдётся минимум в 85 млн евро и продлится до 2027 года."
)
# Another report on the earthquake in Russian: the same names, other figures.
QUAKE_RU_OTHER = (
    "Число погибших при землетрясении в долине Варна выросло до 52, сообщила в понедельник губернатор Ильзе Брандт. "
    "Без крова остаются 9 500 человек, в Остраве и Кесселе работают 300 спасателей, ущерб оценивается в 140 млн евро."
)


# The same in Chinese, shorter: no capitals, so no names; its 8 figures are all its facts, 1.6万
# and 8500万 written as myriads (16,000 and 85 million).
QUAKE_ZH = (
    "瓦尔纳山谷发生6.4级地震，造成37人死亡、412人受伤，民防机构说。约2800栋房屋受损，1.6万人在45个避难所过夜。"
    "来自奥斯特拉瓦和凯塞尔的救援队带来了120只搜救犬。州长说，修复费用至少8500万欧元，工程将持续到2027年。"
)
# An aftershock reported in Chinese: the same valley, 8 other figures.
QUAKE_ZH_OTHER = (
    "6月20日瓦尔纳山谷发生5.1级余震，造成13人死亡、28人受伤，民防机构说。"
    "约150栋房屋受损，2000人在12个避难所过夜，损失1.4亿欧元，州长说重建要到2028年。"
)


@pytest.mark.parametrize(
    ("translation", "other"), [(QUAKE_RU, QUAKE_RU_OTHER), (QUAKE_ZH, QUAKE_ZH_OTHER)], ids=["russian", "chinese"]
)
def test_a_translation_into_another_script_is_a_rewrite_by_its_figures_alone(translation, other):
    """Russian writes its names in Cyrillic; Chinese has no capitals, so no names at all, and
    its 8 figures are all its facts (under ``FACT_CONFIDENCE``, and enough)."""
    by_facts = Thresholds(candidate_floor=0.99)  # no pair is weighed by its words
    verdict = verify(sig(translation), sig(QUAKE), by_facts)
    assert verdict.label is Label.REWRITE and verdict.similarity >= 0.85
    assert verify(sig(translation), sig(QUAKE), replace(by_facts, figures_restated=1.5)).label is Label.ORIGINAL
    for unrelated in (other, PORT, UNRELATED):
        assert verify(sig(unrelated), sig(QUAKE), by_facts).label is Label.ORIGINAL
    assert verify(sig(other), sig(translation), by_facts).label is Label.ORIGINAL


def test_the_chinese_translation_has_fewer_facts_than_names_and_figures_need():
    assert FIGURES_ALONE <= sig(QUAKE_ZH).facts.size < FACT_CONFIDENCE <= sig(QUAKE).facts.size
    assert sig(QUAKE_ZH_OTHER).facts.size >= FIGURES_ALONE


# The earthquake story with more names: the Chinese translation's minima, over its 8 figures
# alone, agree with its minima, over 60 names and figures, on fewer than NAME_MINIMA_AGREEING.
QUAKE_NAMED = QUAKE + (
    " Mayors Anton Riedl of Lesko, Marta Kovac of Dravnik and Jonas Pichler of Hallen asked Prime Minister Eduard"
    " Stein for help. The Red Cross, led locally by Nina Holm, worked with engineers from Tessaro Group, Vallmark"
    " Insurance and Osterby University. Bishop Lukas Ferenc held a mass in Saint Agnes church, and singer Petra Lind"
    " cancelled a concert in Belgrave Hall. Volunteers from Grenzau, Mittelbach, Oberwil and Sankt Ruprecht joined"
    " soldiers of the Alpine Brigade under Colonel Theo Marek. Officers Ivo Grande, Rosa Matte and Elin Skov of"
    " the Kessel Gendarmerie guarded Varna Bridge."
)


def test_a_translation_without_names_is_weighed_whatever_its_name_minima_agree_on():
    zh, named = sig(QUAKE_ZH), sig(QUAKE_NAMED)
    assert np.count_nonzero(zh.name_minima == named.name_minima) < NAME_MINIMA_AGREEING
    assert verify(zh, named, Thresholds(candidate_floor=0.99)).label is Label.REWRITE
    assert verify(sig(QUAKE_ZH_OTHER), named, Thresholds(candidate_floor=0.99)).label is Label.ORIGINAL


def test_a_translation_keeping_the_names_and_figures_is_a_rewrite_by_its_facts_alone():
    words_only = Thresholds(
        candidate_floor=0.99, facts_restated=1.5, figures_restated=1.5
    )  # no pair is weighed by its words
    assert verify(sig(PORT_DE), sig(PORT), Thresholds()).label is Label.REWRITE
    assert verify(sig(PORT_DE), sig(PORT), words_only).label is Label.ORIGINAL
    by_facts = verify(sig(PORT_DE), sig(PORT), Thresholds(candidate_floor=0.99))
    assert by_facts.label is Label.REWRITE and by_facts.similarity >= 0.8 and by_facts.features is None
    for other in (PORT_DE_OTHER, UNRELATED, STORY):
        assert verify(sig(other), sig(PORT), Thresholds(candidate_floor=0.99)).label is Label.ORIGINAL
    candidates = [Candidate(n, n, 0.0, sig(text)) for n, text in (("story", STORY), ("port", PORT))]
    match = best_copy(sig(PORT_DE), candidates, Thresholds(candidate_floor=0.99))
    assert match is not None and match.article_id == "port" and match.verdict.label is Label.REWRITE
    verdicts = verify_each(sig(PORT_DE), [sig(STORY), sig(PORT)], Thresholds(candidate_floor=0.99))
    assert [v.label for v in verdicts] == [Label.ORIGINAL, Label.REWRITE]


RECALL = (
    "Halden Motors is recalling 42,000 Ridgeback SUVs built between 2021 and 2023 because the passenger airbag "
    "may not deploy in a crash, the company said on Friday."
)


def test_a_flash_worded_alike_about_another_company_is_not_a_copy():
    other = RECALL.replace("Halden Motors", "Torvik Automotive").replace("Ridgeback", "Caldera")
    assert verify(sig(other), sig(RECALL), Thresholds()).label is Label.ORIGINAL
    # The same pair is word for word enough to be a copy, were names not weighed.
    assert (
        verify(sig(other), sig(RECALL), Thresholds(names_swapped=1.0, copy_probability=0.01)).label
        is not Label.ORIGINAL
    )


WEATHER = (
    "Weather for Norhaven on Saturday 14 March: highs of 12C and lows of 4C, with a 30% chance of showers "
    "in the afternoon. Winds from the south-west at 25 km/h, gusting to 40 km/h on the coast. "
    "Sunrise is at 06:48 and sunset at 18:22. The pollen count is low and the UV index is 2."
)
# The same template on another day, every figure changed.
NEXT_DAY = (
    "Weather for Norhaven on Sunday 15 March: highs of 9C and lows of 1C, with a 70% chance of showers "
    "in the afternoon. Winds from the south-west at 35 km/h, gusting to 55 km/h on the coast. "
    "Sunrise is at 06:46 and sunset at 18:24. The pollen count is low and the UV index is 1."
)


FIRE = (
    "Three people were taken to hospital after a fire broke out at a terraced house on Mill Lane in Carrowby "
    "at about 2.40am on Tuesday 4 February, the fire service said.\n\n"
    "Four engines and 22 firefighters from Carrowby and Pellston tackled the blaze, which started in a ground-floor "
    "kitchen. The occupants, a couple in their 40s and their 12-year-old son, were treated for smoke inhalation at "
    "Carrowby General Hospital.\n\n"
    "Station manager Ruth Okafor said the smoke alarm had saved the family's lives. "
    "The fire service offers free home safety checks on 0800 262 915.\n\n"
    "It was the sixth house fire in the district this year, according to the Westmarch Fire and Rescue Service."
)
# The same template for another fire: the sentences telling the event (when, where, who)
# differ in most of their words, the boilerplate around them is the same.
NEXT_FIRE = (
    "A man was rescued from the first floor of a semi-detached house on Orchard Road in Pellston after a fire broke "
    "out at about 11.15pm on Saturday 19 July, the fire service said.\n\n"
    "Two engines and 10 firefighters from Pellston tackled the blaze, which started in an upstairs bedroom. "
    "The man, aged 78, was treated for burns to his hands at Pellston Cottage Hospital.\n\n"
    "Station manager Ruth Okafor said the smoke alarm had saved the man's life. "
    "The fire service offers free home safety checks on 0800 262 915.\n\n"
    "It was the ninth house fire in the district this year, according to the Westmarch Fire and Rescue Service."
)


@pytest.mark.parametrize(
    ("report", "other"),
    [(NEXT_DAY, WEATHER), (NEXT_FIRE, FIRE)],
    ids=["figures-in-restated-sentences", "facts-changing-whole-sentences"],
)
def test_a_templated_report_with_other_figures_is_not_a_copy(report, other):
    eager = Thresholds(copy_probability=0.01)  # a decision that finds any pair a copy
    assert verify(sig(report), sig(other), eager).label is Label.ORIGINAL
    assert verify(sig(other), sig(report), eager).label is Label.ORIGINAL
    # The rules, not the decision, settle it: with the figures rule off (and the flash and
    # slot-facts rules, which the three-sentence weather report meets too) the pair is a copy.
    off = replace(eager, figures_swapped=2.0, flash_sentences=0, slot_facts=0.0)
    assert verify(sig(report), sig(other), off).label is not Label.ORIGINAL


CLOSING = (
    "The Dunmore Animal Trust is a registered charity that rehomed more than 2,300 animals last year "
    "and receives no government funding.\n\n"
    "Anyone who can offer a home or information should call the trust's appeal line on 0800 552 1907, "
    "open every day from 8am to 8pm."
)
# Two appeals in one charity's format: another animal, place and people, the same closing paragraph.
APPEAL = (
    "Eleven puppies were found abandoned in a cardboard box outside a petrol station in Carrow Vale on "
    "Tuesday morning, prompting an appeal for information.\n\n"
    "A cashier heard whimpering and found the eight-week-old terrier crosses shivering in the rain. Two of "
    "them needed treatment for hypothermia at the Westgate veterinary centre.\n\n"
    '"Whoever left them there knew they would be found, but a few more hours could have killed them," said '
    "inspector Mara Quill.\n\n" + CLOSING
)
OTHER_APPEAL = (
    "A pony with overgrown hooves was rescued from a flooded paddock near Estry Mill on Saturday after a "
    "walker alerted the charity.\n\n"
    "Volunteers waded through knee-deep water to lead the twenty-year-old mare to a trailer. She is being "
    "cared for at the trust's farm in Holbeck while farriers treat her feet.\n\n"
    '"She had been standing in water for days, and she still came to us for a carrot," said field officer '
    "Jonah Pike.\n\n" + CLOSING
)


EXAM_NOTE = (
    "Pass rates are the share of Senior Diploma entries awarded grade E or above, and top grades are those at A* or "
    "A.\n\nFigures are compiled by the Department of Learning from provisional results supplied by the exam boards "
    "and may change after appeals. Verified tables for every school in Norland will be published on 12 November."
)
EXAMS = (
    "Harrowgate Academy has recorded its best Senior Diploma results, with 97.2 percent of entries achieving a pass."
    "\n\nStudents at the academy in Harrowgate were awarded 131 top grades, above the Norland average, and the pass "
    "rate rose from 94.8 percent last year.\n\nPrincipal Dr Miriam Osei said on Thursday: 'These results are the "
    "reward for two years of patient work by students and staff alike.'\n\n" + EXAM_NOTE
)
# The same template for another school: its lead built alike with its own facts.
OTHER_EXAMS = (
    "St Brendan's College in Kilmory has matched last year's Senior Diploma pass rate of 92.5 percent.\n\n"
    "The college's students were awarded 64 top grades, just under the Norland average, with history and drama "
    "strongest.\n\nHead of college Tomas Grieve said on Thursday: 'Keeping standards this high takes a whole "
    "community, and I thank every one of them.'\n\n" + EXAM_NOTE
)


@pytest.mark.parametrize(
    ("report", "other", "each_off", "all_off", "copies"),
    [
        (
            OTHER_APPEAL, APPEAL,
            # Either rule settles it: its lead is its own and little else is shared; the names
            # and figures outside the closing paragraph are its own.
            [{"boilerplate_lead": 0.0, "boilerplate_lead_shared": 0.0}, {"slot_facts": 0.0}],
            {"boilerplate_lead": 0.0, "boilerplate_lead_shared": 0.0, "slot_facts": 0.0},
            [APPEAL.replace("A cashier heard whimpering and found", "Staff found")],  # a paragraph cut
        ),
        (
            OTHER_EXAMS, EXAMS,
            # The leads share a few words, more than boilerplate_lead allows: the lead's cut-off
            # beside a sentence shared word for word settles it, whatever the facts.
            [{"slot_facts": 0.0}],
            {"boilerplate_lead_shared": 0.0},
            [
                EXAMS.replace("Principal Dr Miriam Osei said on Thursday", "She said"),
                EXAMS + "\n\nThe academy will hold an open evening for new students on 3 October.",
            ],
        ),
    ],
    ids=["closing-paragraph", "lead-built-alike-beside-a-shared-note"],
)  # fmt: skip
def test_another_report_sharing_a_templates_fixed_sentences_is_not_a_copy(report, other, each_off, all_off, copies):
    eager = Thresholds(copy_probability=0.01)  # a decision that finds any pair a copy
    assert verify(sig(report), sig(other), eager).label is Label.ORIGINAL
    assert verify(sig(other), sig(report), eager).label is Label.ORIGINAL
    for off in each_off:
        assert verify(sig(report), sig(other), replace(eager, **off)).label is Label.ORIGINAL, off
    # With the rules off, the sentences shared make a copy.
    assert verify(sig(report), sig(other), replace(eager, **all_off)).label is Label.REWRITE
    # A copy sharing them restates the lead too: cut, or with a paragraph added, it is one.
    for copy in copies:
        assert verify(sig(copy), sig(other), Thresholds()).label is not Label.ORIGINAL


RATE = (
    "The central bank of Ostrava raised its main refinancing rate by a quarter point to 3.75% on Wednesday, "
    "its second increase this year, citing rising food and energy prices."
)


RESULT = (
    "Harlow Vale beat Dunmore Athletic 3-1 at home on Saturday to go top of the Wexmoor League, with Petra Lind "
    "scoring twice after the break. Dunmore had a player sent off before half-time."
)


@pytest.mark.parametrize(
    ("flash", "other"),
    [(RATE, RATE.replace("3.75%", "4.25%")), (RESULT, RESULT.replace("3-1", "2-1"))],
    ids=["another-rate", "another-one-digit-score"],
)
def test_a_flash_worded_alike_with_another_figure_is_another_flash(flash, other):
    eager = Thresholds(copy_probability=0.01)
    assert verify(sig(other), sig(flash), eager).label is Label.ORIGINAL
    # The flash rule settles it (a one-digit figure counts as one in the outline): with it
    # off the two are copies.
    assert verify(sig(other), sig(flash), replace(eager, flash_sentences=0)).label is not Label.ORIGINAL


def test_a_flash_updated_with_words_added_is_an_update_not_another_flash():
    # An update of the flash: its figure revised, and a clause it did not have before.
    update = RATE.replace("3.75%", "4.25%").replace(
        "citing rising food and energy prices.",
        "citing rising food and energy prices and a weaker currency, "
        "and signalled further tightening at its next meeting.",
    )
    eager = Thresholds(copy_probability=0.01)
    assert verify(sig(update), sig(RATE), eager).label is Label.REWRITE
    # The flash updated, whatever the decision makes of its figures replaced; not when it
    # puts a name in place of another too (another bank's rise).
    strict = Thresholds(copy_probability=0.999)
    assert verify(sig(update), sig(RATE), strict).label is Label.REWRITE
    assert verify(sig(update.replace("Ostrava", "Kessel")), sig(RATE), strict).label is Label.ORIGINAL
    # Arrived first, the update is the later text still: the same verdict of the pair.
    assert verify(sig(RATE), sig(update), eager, query_is_copy=False).label is Label.REWRITE
    # The words added decide it: a setting of 0 leaves every such pair to the flash rule,
    # and so does the flash that drops the clause the other adds.
    assert verify(sig(update), sig(RATE), replace(eager, flash_words_added=0)).label is Label.ORIGINAL
    assert verify(sig(RATE), sig(update), eager).label is Label.ORIGINAL


THEFT = (
    "Thieves broke into a pharmacy on Kilbride Road in Easterholm overnight on Sunday, forcing the back door "
    "and escaping with about 1,500 dalers from the till, police said. Officers are checking security camera "
    "footage from nearby shops."
)


def test_a_flash_worded_alike_about_another_thing_is_another_flash():
    other = THEFT.replace("a pharmacy", "a bakery")
    assert verify(sig(other), sig(THEFT), Thresholds()).label is Label.ORIGINAL
    assert verify(sig(THEFT), sig(other), Thresholds()).label is Label.ORIGINAL
    # A copy editor's verb ("fleeing" for "escaping") keeps it a republication; a story
    # longer than a flash with a thing swapped is left to the decision.
    edited = THEFT.replace("escaping", "fleeing")
    assert verify(sig(edited), sig(THEFT), Thresholds()).label is Label.DUPLICATE
    assert verify(sig(other), sig(THEFT), Thresholds(flash_sentences=0)).label is Label.DUPLICATE
    # A rewrite in other words with a noun of its own ("staff" for "officers") is a rewrite.
    reworded = (
        "A pharmacy on Easterholm's Kilbride Road was burgled overnight on Sunday: thieves forced the back "
        "door and took about 1,500 dalers from the till, police said. Staff are checking security camera "
        "footage from nearby shops."
    )
    assert verify(sig(reworded), sig(THEFT), Thresholds()).label is Label.REWRITE


def test_a_flash_with_a_sentence_of_news_added_is_an_update():
    # The flash sent again, its sentence kept, a sentence added in its one paragraph: news
    # sharing too few of its words to be about the story by them.
    update = RATE + " Analysts now expect borrowing costs to climb again before the summer."
    assert verify(sig(update), sig(RATE), Thresholds()).label is Label.REWRITE
    # A credit line (names, no news) keeps it a republication; so does a text longer than a
    # flash (no flash with ``flash_sentences`` 0), whose one paragraph says nothing.
    credited = RATE + " (Reporting by Anna Kovar; Editing by Tom Reid)"
    assert verify(sig(credited), sig(RATE), Thresholds()).label is Label.DUPLICATE
    assert verify(sig(update), sig(RATE), Thresholds(flash_sentences=0)).label is Label.DUPLICATE


def test_a_flash_in_other_words_keeping_its_figure_is_a_rewrite():
    reworded = (
        "Citing higher food and energy costs, Ostrava's central bank on Wednesday lifted its main refinancing "
        "rate by 25 basis points to 3.75%, the second rise of the year."
    )
    assert verify(sig(reworded), sig(RATE), Thresholds()).label is Label.REWRITE
    # A story of more sentences with a figure changed is an update of it, as before.
    eager = Thresholds(copy_probability=0.01)
    assert verify(sig(STORY.replace("400 residents", "650 residents")), sig(STORY), eager).label is not Label.ORIGINAL


def test_an_update_changing_a_figure_or_two_stays_a_copy():
    update = STORY.replace("2,300 hectares", "2,800 hectares").replace("400 residents", "650 residents")
    assert verify(sig(update), sig(STORY), Thresholds()).label is not Label.ORIGINAL


def test_an_update_is_a_rewrite_and_what_it_adds_decides_which_way():
    # The story sent again with a new lead giving figures it lacks: an update.
    lead = (
        "The wildfire near Castelo Verde flared again on Thursday and has now burned 3,100 hectares, "
        "as winds of 60 km/h pushed it along a 12 km front. Another 900 people were told to leave. "
    )
    update = lead + STORY
    assert verify(sig(update), sig(STORY), Thresholds()).label is Label.REWRITE
    # The stored text the later one (a late source verifying its copies): the same verdict.
    assert verify(sig(STORY), sig(update), Thresholds(), query_is_copy=False).label is Label.REWRITE
    # The story cut from the update adds nothing to it: a duplicate.
    assert verify(sig(STORY), sig(update), Thresholds()).label is Label.DUPLICATE
    # With the rules off, most of the source's words make the update a duplicate.
    off = Thresholds(update_figures=0, update_facts=0)
    assert verify(sig(update), sig(STORY), off).label is Label.DUPLICATE


def test_an_update_telling_new_names_is_a_rewrite_and_a_stray_sentence_is_not():
    # Reaction added to the story: names it lacks, in a sentence about the fire, few figures.
    reaction = (
        " Mayor Joaquim Pires of Castelo Verde said the sawmill's owner, Lusomadeira, would be asked "
        "to explain why the fire spread from the sawmill before firefighters arrived."
    )
    assert verify(sig(STORY + reaction), sig(STORY), Thresholds()).label is Label.REWRITE
    assert verify(sig(STORY + reaction), sig(STORY), Thresholds(update_facts=0)).label is Label.DUPLICATE
    # A republication picking up a sentence from another story, names and all: a duplicate.
    stray = " Shares in Nordvik Airlines rose 4% in Oslo after the carrier named Ingrid Lund chief executive."
    assert verify(sig(STORY + stray), sig(STORY), Thresholds()).label is Label.DUPLICATE
    # A sentence with as few of the story's words added to one of its paragraphs: news.
    paragraphs = STORY.replace(". Investigators", ".\n\nInvestigators")
    brief = " Police said on Thursday they had arrested a sawmill worker, Rui Falcao, and charged him with arson."
    assert verify(sig(paragraphs + brief), sig(paragraphs), Thresholds()).label is Label.REWRITE
    # The same sentence in a paragraph of its own after the story stands where furniture
    # does, and shares too few of the story's words to tell it is about it.
    assert verify(sig(paragraphs + "\n\n" + brief), sig(paragraphs), Thresholds()).label is Label.DUPLICATE


def test_a_republication_in_another_house_style_is_a_duplicate():
    story = STORY.replace("on Wednesday.", "on Wednesday at 6:50 a.m.")
    house = STORY.replace("on Wednesday.", "on Wednesday at 6.50am.").replace("41 degrees", "41C")
    assert verify(sig(house), sig(story), Thresholds()).label is Label.DUPLICATE
    # A short item in British spelling with "per cent" and "bn", republished in American.
    british = "The regional centre has prioritised repairs to 12 per cent of homes, at a cost of 1.2bn escudos."
    american = "The regional center has prioritized repairs to 12% of homes, at a cost of 1.2 billion escudos."
    assert sig(british).simhash == sig(american).simhash


def test_an_update_telling_a_sentence_of_news_is_a_rewrite_and_a_related_line_is_not():
    # A sentence about the fire that tells what happened next, with no name or figure new.
    news = " Police later arrested a sawmill worker suspected of starting the wildfire through careless welding."
    assert verify(sig(STORY + news), sig(STORY), Thresholds()).label is Label.REWRITE
    assert verify(sig(STORY + news), sig(STORY), Thresholds(update_words=0)).label is Label.DUPLICATE
    # A republication's line pointing to a related story adds a few words: a duplicate.
    related = " Read more: wildfire season starts early across the region."
    assert verify(sig(STORY + related), sig(STORY), Thresholds()).label is Label.DUPLICATE


def test_a_short_sentence_of_news_inside_the_story_is_an_update_and_in_a_part_of_it_is_not():
    """Four words of news added between two of the story's sentences (too few for a sentence
    about the story anywhere: ``update_words``): an update.  A cut copy, part of the story,
    with a sentence of its own there is a duplicate still (a student's own line)."""
    story = STORY + (
        " Crews from four districts worked through the night to stop the flames reaching the villages."
        " Water-bombing planes made more than 60 drops over the forest on Tuesday and Wednesday."
        " The sawmill's owner said the company was cooperating fully with the investigation."
        " Forestry officials said replanting the burned area would take at least ten years."
    )
    sentences = story.rstrip(".").split(". ")
    news = "Police later questioned two teenagers at the sawmill gates"
    update = ". ".join([*sentences[:2], news, *sentences[2:]]) + "."
    assert verify(sig(update), sig(story), Thresholds()).label is Label.REWRITE
    assert verify(sig(update), sig(story), Thresholds(update_words_inside=0)).label is Label.DUPLICATE
    part = ". ".join([*sentences[:2], news, *sentences[2:4]]) + "."
    assert verify(sig(part), sig(story), Thresholds()).label is Label.DUPLICATE


def test_an_update_opening_with_a_new_lead_is_a_rewrite_and_an_edited_lead_is_not():
    """An agency's write-through: a new first sentence reusing the story's words, the rest as
    it was; no name, figure or sentence of news new enough for the other update rules."""
    source = STORY + (
        " Crews from four districts worked through the night to stop the flames reaching the villages."
        " Water-bombing planes made more than 60 drops over the forest on Tuesday and Wednesday."
        " The sawmill's owner said the company was cooperating fully with the investigation."
        " Forestry officials said replanting the burned area would take at least ten years."
    )
    first, rest = source.split(". ", 1)
    lead = (
        "The wildfire near Castelo Verde was started by a spark from sawmill machinery, investigators said "
        "on Thursday, a day after firefighters contained it. "
    )
    assert verify(sig(lead + rest), sig(source), Thresholds()).label is Label.REWRITE
    assert verify(sig(lead + rest), sig(source), Thresholds(update_lead=0)).label is Label.DUPLICATE
    # A republication editing its lead: a duplicate.
    edited = first.replace("contained", "brought under control") + ". " + rest
    assert verify(sig(edited), sig(source), Thresholds()).label is Label.DUPLICATE
    # Part of the story under an opening of the copier's own: not a write-through.
    part = "Castelo Verde's wildfire burned for four days before firefighters stopped it. " + rest.split(". ", 3)[3]
    assert verify(sig(part), sig(source), Thresholds()).label is Label.DUPLICATE


def test_an_update_changing_figures_after_their_decimal_point_is_a_rewrite():
    """2.3 million made 2.6 million and 6.4% made 7.1%: other figures, though the digits
    before the point are the same (read apart, "2" stayed and "3" and "6" were too short to
    keep: the update was a duplicate)."""
    story = STORY + " Damage is put at 2.3 million euros, and the region's tourism bookings fell 6.4% in a week."
    update = story.replace("2.3 million", "2.6 million").replace("6.4%", "7.1%")
    assert verify(sig(update), sig(story), Thresholds()).label is Label.REWRITE
    assert verify(sig(story.replace("2.3", "2,3")), sig(story), Thresholds()).label is Label.DUPLICATE


def test_two_english_reports_of_one_event_are_not_rewrites_by_their_figures_alone():
    """Names in English can be compared, and another report's are not the same: figures kept
    alone do not make it a translation."""
    other = (
        "Thirty-seven people died when an earthquake of magnitude 6.4 hit the Varna valley at 03:42 on 14 June, and "
        "412 were hurt. Officials counted 2,800 damaged houses; 16,000 slept in 45 shelters. Lennart Voss, who "
        "leads the Tessaro relief mission, flew in 120 dogs. Mayor Ada Kern puts the bill at 85 million euros, with "
        "work lasting until 2027, she told Radio Brennholt."
    )
    restated = restated_facts(sig(other), sig(QUAKE))
    assert restated is not None and restated.figure_count >= FIGURES_ALONE and restated.figures >= 0.85
    assert verify(sig(other), sig(QUAKE), Thresholds(candidate_floor=0.99)).label is Label.ORIGINAL


def test_an_update_is_weighed_however_near_its_fingerprint():
    update = STORY.replace("2,300 hectares", "2,800 hectares").replace("400 residents", "650 residents")
    assert verify(sig(update), sig(STORY), Thresholds(duplicate_bits=64)).label is Label.REWRITE


def test_a_flash_republished_with_a_dateline_is_a_duplicate():
    copy = "DETROIT, May 3 (Meridian Wire) - " + RECALL
    assert verify(sig(copy), sig(RECALL), Thresholds()).label is Label.DUPLICATE


def test_the_best_copy_is_what_verifying_one_at_a_time_gives():
    story, reworded, independent, loose = sig(STORY), sig(REWORDED), sig(INDEPENDENT), sig(LOOSE)
    t = Thresholds()
    candidates = [
        Candidate("independent", "s1", 1.0, independent),
        Candidate("reworded", "s2", 2.0, reworded),
        Candidate("loose", "s3", 3.0, loose),
    ]
    best = BestMatch()
    for c in candidates:
        best.offer(c.article_id, c.story_id, c.event_time, verify(story, c.signature, t))
    assert best.match is not None and best.match.verdict.label is Label.REWRITE
    assert best_copy(story, candidates, t) == best.match
    assert verify_each(story, [c.signature for c in candidates], t) == [
        verify(story, c.signature, t) for c in candidates
    ]
    # A duplicate beats any rewrite, and the earliest of equals wins (the first on a tie).
    copies = [
        *candidates,
        Candidate("late", "s4", 9.0, story),
        Candidate("early", "s5", 0.5, story),
        Candidate("tie", "s6", 0.5, story),
    ]
    match = best_copy(story, copies, t)
    assert match is not None and (match.article_id, match.verdict) == ("early", IDENTICAL)
    assert best_copy(story, candidates[:1], t) is None and best_copy(story, [], t) is None


def test_the_fingerprint_settles_a_duplicate_only_with_the_same_counts():
    """A text with a sentence more can keep every bit of the SimHash (64 bits weigh all its
    words), never every count: then the signatures are compared."""
    story = sig(STORY)
    assert verify(story, story, Thresholds()) == IDENTICAL == Verdict(Label.DUPLICATE, 0, 1.0)
    news = "Marta Sousa said aerial crews found a second blaze on a ridge above Castelo Verde and shut a motorway."
    told = sig(f"{STORY} {news}")
    told = replace(told, simhash=story.simhash)  # as if its sentence had moved no bit
    verdict = verify(told, story, Thresholds())
    assert verdict != IDENTICAL and (verdict.label, verdict.distance) == (Label.REWRITE, 0)


def test_candidates_passed_over_unwatched_are_those_verify_finds_no_copy(monkeypatch):
    texts = [STORY, REWORDED, INDEPENDENT, LOOSE, UNRELATED, PORT, PORT_DE, PORT_DE_OTHER, QUAKE, QUAKE_RU,
             QUAKE_ZH, RECALL, WEATHER, NEXT_DAY, FIRE, NEXT_FIRE, APPEAL, OTHER_APPEAL, EXAMS, OTHER_EXAMS, RATE]  # fmt: skip
    signatures = [sig(text) for text in texts]
    t = Thresholds()
    verified: list[Signature] = []
    monkeypatch.setattr(
        "worker.core.classify.verify",
        lambda query, stored, *a, **k: verified.append(stored) or verify(query, stored, *a, **k),
    )
    for i, query in enumerate(signatures):
        candidates = [Candidate(str(j), str(j), float(j), s) for j, s in enumerate(signatures) if j != i]
        before = len(verified)
        watched = best_copy(query, candidates, t, lambda _c, _v: None)  # each verdict watched: all verified
        assert len(verified) - before == len(candidates)
        assert best_copy(query, candidates, t) == watched, texts[i][:40]
    # Unwatched, most pairs are passed over: they share too little to weigh.
    pairs = len(texts) * (len(texts) - 1)
    assert len(verified) - pairs < pairs / 2


def test_a_story_revising_its_one_figure_word_for_word_otherwise_is_an_update():
    story = (
        "Peru has entered two days of official mourning for the more than 220 people killed in a fire that "
        "destroyed part of downtown Lima. Police say the fire began when a fireworks cache exploded in a shop "
        "just blocks from the Congress building. Firefighters struggled for hours to reach the blaze through "
        "narrow streets crowded with market stalls. The government has promised to ban the sale of fireworks "
        "in the city centre, Mayor Alberto Andrade said. Relatives of the missing gathered outside the Lima "
        "morgue, where Health Minister Luis Solari said identification would take weeks."
    )
    update = "Police have detained the owner of the shop where the explosion began. " + story.replace("220", "270")
    assert verify(sig(update), sig(story), Thresholds()).label is Label.REWRITE
    # The same with a flash's few sentences is another flash (another toll, another fire).
    flash = " ".join(story.split(". ")[:2]) + "."
    assert verify(sig(flash.replace("220", "270")), sig(flash), Thresholds()).label is Label.ORIGINAL
