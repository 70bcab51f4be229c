"""Four more site templates for whole pages, written apart from the extractor.

``benchmarks/pages.py``'s five templates were written beside the page extraction
(``worker/core/page.py``); these four were written afterwards by a session that saw neither,
to check it on layouts it was not built on: a WordPress theme (author bio, ad slot and
"Related:" line in the story, comments, sidebar widgets), an old regional paper laid out
with nested tables (story text between ``<br>`` pairs in a ``<font>``, letters to the editor
under it), a server-rendered single-page app (hashed class names, a live ticker, other
stories' summaries in its ``__NEXT_DATA__`` JSON) and a busy portal (the story cut in two
by a "Read also" box and a poll, 10-20 reader comments).  The table layout found the
extractor reading no story at all; ``page.unrolled`` was written from that, so only the
other three are still unseen by it.  ``benchmarks/page_check.py`` runs them.

Standard library only.  Entry point:

    render(template, *, title, paragraphs, site, seed, other_headlines) -> str

All chrome (menus, teasers, comments, widgets, letters, tickers) is drawn from the pools
below with ``random.Random(seed)``: pages of one template with one seed share all of it
(one site on one day), with other seeds much of it, in another choice and order.
"""

from __future__ import annotations

import html
import json
import random
import re
from datetime import datetime, timedelta

from benchmarks.pages import MONTHS as _MONTHS  # the same names for dates

TEMPLATES = ("wordpress", "legacy-table", "spa-ssr", "portal")

# ---------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------

# (headline, one-sentence teaser) pairs, varied topics.
HEADLINE_TEASERS = [
    (
        "City council delays vote on new parking charges until spring",
        "Councillors said they needed more time to study the impact on small shops in the town centre.",
    ),
    (
        "Regional airport adds three summer routes to southern Europe",
        "The new flights to Faro, Palma and Split will run twice weekly from late May.",
    ),
    (
        "Teachers' union warns of staff shortages in rural primary schools",
        "A survey of 900 members found that one in five schools had at least one unfilled post.",
    ),
    (
        "Housing starts fall for third straight quarter as borrowing costs bite",
        "Builders blamed higher mortgage rates and rising material prices for the slowdown.",
    ),
    (
        "Local bakery chain opens its tenth shop despite rising flour prices",
        "The family-owned business said strong demand for sourdough had kept sales growing.",
    ),
    (
        "Storm warning issued for coastal districts ahead of weekend gales",
        "Forecasters expect gusts of up to 110 km/h along exposed headlands on Saturday night.",
    ),
    (
        "Hospital trust unveils plan to cut waiting lists for hip operations",
        "Managers hope a new surgical hub will allow an extra 40 procedures a week.",
    ),
    (
        "University researchers develop cheaper test for crop disease",
        "The paper-strip test can detect wheat blight in under ten minutes, the team says.",
    ),
    (
        "Police appeal for witnesses after late-night collision on ring road",
        "Two drivers were taken to hospital with injuries that are not thought to be life-threatening.",
    ),
    (
        "Museum reopens after two-year renovation with new dinosaur gallery",
        "Visitors will be able to see a nearly complete skeleton discovered in a local quarry.",
    ),
    (
        "Water company fined over repeated sewage spills into estuary",
        "Regulators said the firm had failed to maintain pumps at two of its treatment works.",
    ),
    (
        "Electric bus fleet to double by 2027 under new transport plan",
        "The authority will spend part of a national grant on 85 new vehicles and two charging depots.",
    ),
    (
        "Farmers report record apple harvest after mild spring",
        "Growers say the challenge now is finding enough seasonal workers to pick the fruit.",
    ),
    (
        "Library opening hours restored after volunteers step in",
        "Three branches that had been cut to two days a week will open five days again.",
    ),
    (
        "Minister promises review of bus subsidies for rural routes",
        "Campaigners say dozens of villages have lost their only daily service in the past year.",
    ),
    (
        "Energy bills expected to fall slightly from April, analysts say",
        "The price cap is forecast to drop by around 4 percent, though standing charges will rise.",
    ),
    (
        "Youth football league celebrates 50 years with anniversary tournament",
        "More than 60 teams are expected to take part across two weekends in June.",
    ),
    (
        "New cycle lanes divide opinion on busy shopping street",
        "Some traders say footfall has fallen, while cycling groups point to fewer accidents.",
    ),
    (
        "Fire crews tackle large blaze at disused warehouse",
        "Residents nearby were asked to keep windows and doors closed because of the smoke.",
    ),
    (
        "Jobless rate unchanged at 4.3 percent as hiring cools",
        "Economists said the labour market was slowly loosening but remained resilient.",
    ),
    (
        "Art festival returns to the harbour with record number of exhibitors",
        "Organisers expect around 30,000 visitors over the four-day event.",
    ),
    (
        "Court hears opening arguments in long-running pension fraud case",
        "Prosecutors allege that more than 300 savers lost money through the scheme.",
    ),
    (
        "School meal prices to rise by 20 cents next term",
        "The council said the increase reflected higher food and energy costs in its kitchens.",
    ),
    (
        "Wildlife trust reports return of otters to upper river",
        "Camera traps recorded the animals at three sites for the first time in decades.",
    ),
    (
        "Ferry operator cancels winter timetable after engine fault",
        "Passengers have been offered refunds or places on an alternative crossing.",
    ),
    (
        "Tech start-up raises $40 million to expand battery recycling",
        "The company plans to open a second plant and hire around 120 staff.",
    ),
    (
        "Care homes struggle to fill night shifts, survey finds",
        "Operators said the cost of agency staff had doubled in two years.",
    ),
    (
        "Stadium expansion approved despite residents' traffic concerns",
        "The plan adds 6,000 seats and a new stand along the northern side of the ground.",
    ),
    (
        "Drought restrictions lifted after wettest autumn in a decade",
        "Hosepipe bans across the region will end from Monday.",
    ),
    (
        "Local MP calls for inquiry into delayed hospital car park",
        "The multi-storey was due to open last year but is still unfinished.",
    ),
    (
        "Supermarket price war pushes down cost of basic groceries",
        "A basket of 20 staple items is now cheaper than it was six months ago.",
    ),
    (
        "Rail strike called off after last-minute pay offer",
        "Services on the main commuter lines are expected to run normally this week.",
    ),
    (
        "Police launch crackdown on e-scooter riders in pedestrian zones",
        "Officers will issue warnings first before moving to fines later in the month.",
    ),
    (
        "Record number of migrating cranes counted over wetlands",
        "Volunteers counted more than 12,000 birds at a single roost in one evening.",
    ),
    (
        "Council tax set to rise by maximum allowed amount",
        "Finance chiefs said the increase was needed to protect social care budgets.",
    ),
    (
        "Historic pier to be restored with lottery funding",
        "Work on the Victorian structure will start in autumn and take around 18 months.",
    ),
    (
        "Broadband rollout reaches remote valley communities",
        "Around 2,400 homes can now order full-fibre connections for the first time.",
    ),
    (
        "Theatre company announces season of new local plays",
        "Five of the six productions were written by playwrights from the region.",
    ),
    (
        "Motorway junction upgrade to bring months of overnight closures",
        "Drivers are advised to allow extra time and follow the signed diversions.",
    ),
    ("Charity shop sales soar as shoppers hunt for bargains", "Several stores reported their best December on record."),
    (
        "Pharmacy closures leave some towns without late-night cover",
        "Patients in three towns now face a 20-mile trip for evening prescriptions.",
    ),
    (
        "Coastguard rescues two kayakers swept out to sea",
        "The pair were found clinging to a buoy about a mile offshore.",
    ),
    (
        "Independent cinema saved by community share offer",
        "More than 1,500 people bought shares to keep the 90-year-old venue open.",
    ),
    (
        "Ambulance response times improve for second month running",
        "The average wait for the most serious calls fell to just under eight minutes.",
    ),
    (
        "Port handles record container traffic as new berth opens",
        "Dock workers handled more than 90,000 containers in the last quarter.",
    ),
    (
        "Plans for solar farm on former airfield go on public display",
        "The scheme would generate enough electricity for about 15,000 homes.",
    ),
    (
        "Village shop wins national award for community service",
        "Judges praised its delivery round for elderly and housebound residents.",
    ),
    (
        "Hospital volunteers honoured for decades of service",
        "Among them is an 88-year-old who has run the tea trolley since 1979.",
    ),
    (
        "Tourism figures show strong recovery in coastal resorts",
        "Overnight stays rose by 9 percent compared with the previous summer.",
    ),
    (
        "Skills centre to train 500 apprentices in green trades",
        "Courses will cover heat pump installation, insulation and electric vehicle repair.",
    ),
    (
        "Swimming pool to close for six months for roof repairs",
        "Regular users will be offered sessions at a leisure centre across town.",
    ),
    (
        "Record turnout expected at regional food and drink show",
        "More than 200 producers have booked stalls, up from 150 last year.",
    ),
]

# Generic teasers, used for the passed-in other_headlines.
GENERIC_TEASERS = [
    "Officials said further details would be released later this week.",
    "The announcement followed months of talks between the parties involved.",
    "Critics said the decision raised more questions than it answered.",
    "Residents have been invited to share their views at a public meeting next month.",
    "The figures were published on Tuesday in the organisation's annual report.",
    "Our correspondent looks at what the change means for families in the region.",
    "A spokesperson said the company was cooperating fully with the authorities.",
    "Analysts expect the effects to be felt well into next year.",
    "The decision is expected to be challenged in the courts.",
    "Here is everything we know so far about what happened.",
    "It is the first time such a step has been taken in more than a decade.",
    "Campaigners welcomed the move but said it did not go far enough.",
    "The full report runs to more than 200 pages.",
    "Local businesses say they are still waiting for clarity.",
    "Emergency services remained at the scene late into the evening.",
    "Opposition politicians have called for an urgent statement.",
    "The project has already been delayed twice because of funding problems.",
    "Experts say the trend is likely to continue over the coming months.",
    "Those affected have been told to check their accounts and contact their provider.",
    "The organisers said they had been overwhelmed by the response.",
    "A final decision is not expected until the spring.",
    "Insurers say claims have risen sharply since the start of the year.",
    "We answer your questions on what happens next.",
    "The move has been welcomed by industry groups.",
    "Volunteers have spent weeks preparing for the day.",
    "The review will report its findings by the end of the year.",
    "Police say they are keeping an open mind about the cause.",
    "Union leaders said members would be consulted before any vote.",
    "The cost of the scheme has risen by almost a third since it was approved.",
    "Our reporter spent a day with the people at the centre of the story.",
]

# Reader comments by topic; each item is one full sentence of opinion.
COMMENTS_BY_TOPIC = {
    "politics": [
        "Politicians only seem to listen to voters when an election is coming up.",
        "I would like to know how each of our local representatives actually voted on this.",
        "This should have been put to a proper public consultation first.",
        "Whatever you think of the decision, at least it was debated in the open.",
        "The opposition complains about everything but never offers an alternative.",
        "Trust in the whole system keeps falling, and stories like this explain why.",
        "I have voted in every election for forty years and I have never seen anything like this.",
        "A narrow majority is not much of a mandate for such a big change.",
        "Someone needs to explain who signed this off and why nobody asked questions sooner.",
        "My neighbours are furious about it, and I doubt they will forget by polling day.",
    ],
    "business": [
        "Another company putting shareholders ahead of the people who built it.",
        "Families in the area will feel this for years, not just the workers directly affected.",
        "Prices always go up after a deal like this, whatever the press release says.",
        "I worked at a firm that went through the same thing and the promises lasted about a year.",
        "The local suppliers are the ones nobody talks about, and they will be hit hard too.",
        "Good to see the workers stood together and got something in writing.",
        "Management never seems to pay the price for its own bad decisions.",
        "If the government offered better support for manufacturing, this would not keep happening.",
        "Competition regulators need to look at this very carefully before it goes through.",
        "Honestly, I am surprised it took this long given how quiet the site has been lately.",
    ],
    "health": [
        "The staff on the wards are doing their best with far too few resources.",
        "My mother waited six hours in the emergency department last month, so none of this surprises me.",
        "Vaccination is the simplest protection we have and people should not need persuading.",
        "Why does it always take a crisis before extra clinics are opened?",
        "Public health warnings need to reach older people who do not use social media.",
        "I hope the authorities publish the full data so people can judge for themselves.",
        "Community nurses and pharmacists deserve more credit for keeping things going.",
        "We were told this would be fixed years ago and nothing has really changed.",
        "Clear information early on would have prevented a lot of the panic.",
        "Thank you to everyone at the clinic who helped my family this week.",
    ],
    "science": [
        "Fascinating work, and a reminder of how little we still know about our own planet.",
        "I wish there were more funding for this kind of patient research.",
        "Failures are part of the process, and every test teaches engineers something new.",
        "My son is studying physics and he has been talking about nothing else.",
        "It is good to see a local team doing world-class science.",
        "Some people will call it a waste of money, but that is how progress works.",
        "I would love to see a documentary about how the researchers did this.",
        "The photographs alone are worth a look, they are extraordinary.",
        "Let us hope the discovery leads to better protection for the area.",
        "Exciting times, even if the first attempt did not go to plan.",
    ],
    "transport": [
        "Anything that gets cars off the main road at rush hour gets my support.",
        "The budget will double before a single passenger uses it, mark my words.",
        "I cross that route every day and the diversion has added forty minutes to my commute.",
        "Maintenance has been neglected for decades and now we are paying for it.",
        "Local shops along the route will struggle during years of roadworks.",
        "Better public transport is the only long-term answer to congestion.",
        "The consultation ignored everyone who lives on the outskirts of town.",
        "We were promised the same thing ten years ago and it never arrived.",
        "Safety has to come first, even if the closure is a huge inconvenience.",
        "Cyclists and pedestrians always seem to be an afterthought in these plans.",
    ],
    "sport": [
        "What a performance, I have not shouted at the television like that in years.",
        "The manager deserves enormous credit for what he has built with such a small budget.",
        "Running a race in that heat should never have been allowed to go ahead.",
        "Clubs like ours are the heart of the community and they need protecting.",
        "The supporters have been let down by the people who ran the club.",
        "Tickets for the final will be impossible to get, I expect.",
        "My grandfather was at the last final and he always said we would get back there.",
        "Governing bodies need to do much more to keep smaller clubs afloat.",
        "An incredible effort from the athletes in such difficult conditions.",
        "Proud to be a fan today, whatever happens next.",
    ],
    "crime": [
        "The sentence needs to reflect how much damage was done to ordinary people.",
        "Well done to the officers who put in the hours on this investigation.",
        "Companies holding our personal data should face much bigger fines when they lose it.",
        "I had my own car targeted last winter, so I am glad to see some arrests.",
        "How was this allowed to go on for so long without anyone noticing?",
        "The auditors have some explaining to do as well.",
        "Workers deserve basic rights, whatever their contract happens to call them.",
        "This ruling could change things for thousands of people doing the same job.",
        "Nobody ever seems to get the money back, which is the real scandal.",
        "I changed all my passwords as soon as I saw the email.",
    ],
    "disaster": [
        "Our thoughts are with everyone who has lost their home.",
        "The warnings came far too late for people living near the river.",
        "Climate change is making these events more frequent and we are not prepared.",
        "The firefighters and volunteers have been incredible throughout.",
        "Whoever is responsible for the pollution must be made to pay for the clean-up.",
        "I hope the insurers treat people fairly and quickly this time.",
        "Planning rules should stop houses being built in places like this.",
        "Our street flooded two years ago and we are still waiting for the defences we were promised.",
        "Boiling water every day is exhausting, especially with small children.",
        "The emergency text alerts worked well in our area, credit where it is due.",
    ],
    "culture": [
        "What a wonderful story, it is amazing what turns up in old houses.",
        "I hope the piece ends up somewhere the public can hear it performed.",
        "Music like this should belong to everyone, not sit in a private collection.",
        "The auction houses always seem to do well out of these discoveries.",
        "I would love to know more about the family who kept it all those years.",
        "Our local orchestra should programme it as soon as possible.",
        "Stories like this are a welcome change from the usual gloomy news.",
        "It makes you wonder how many other lost works are still out there.",
        "Beautiful photographs of the manuscript, thank you for sharing them.",
        "Culture funding has been cut so much that finds like this are rarely celebrated properly.",
    ],
}

GENERIC_COMMENTS = [
    "Thanks for reporting this properly, it is hard to find decent local news these days.",
    "I would like to see a follow-up in six months to see whether anything has changed.",
    "The headline makes it sound simpler than it really is.",
    "Nobody in charge ever seems to take responsibility for anything.",
    "This affects far more people than the figures in the article suggest.",
    "Let us wait and see what actually happens before jumping to conclusions.",
    "I remember when this was first proposed and everyone said it would never happen.",
    "Good news for once, let us give credit where it is due.",
    "People in the smaller villages always get forgotten in these decisions.",
    "The comments on this site are getting more sensible, which is nice to see.",
    "I have lived here all my life and things have never been this bad.",
    "Sensible decision in my view, though it should have come years ago.",
    "There is a lot of misinformation going around, so thanks for sticking to the facts.",
    "My family has been directly affected and nobody has contacted us yet.",
    "The cost will end up falling on ordinary taxpayers as usual.",
    "Interesting article, but it would be good to hear from the people actually involved.",
    "It is easy to criticise, but I am not sure what else they could have done.",
    "Why is it always the same few people making decisions for everyone else?",
    "I hope the people responsible read these comments.",
    "A very balanced piece, thank you to the reporter.",
    "Can anyone explain what happens to the money that was already spent?",
    "We need more transparency and fewer press releases.",
    "This is exactly why local journalism matters.",
    "I have written to my representative about it and will share the reply if I get one.",
    "All the experts said this would happen and nobody listened.",
]

# Sentences with figures for long portal comments.
FIGURE_COMMENTS = [
    "My household bills have gone up by about {money} a month since last year and wages have not moved.",
    "I have followed this for {n} years and it is the same story every time.",
    "According to the council's own report, only {pct} percent of the target was met.",
    "When the same thing happened in {year}, it took almost {n} months to sort out.",
    "Our street alone has {n} families who will be affected by this.",
    "The last survey showed {pct} percent of residents were against it, so who exactly was consulted?",
    "I worked in that sector for {n} years and the warning signs were obvious.",
    "If {pct} percent of the budget had gone on maintenance, we would not be here.",
    "Back in {year} we were told the problem was solved for good.",
    "A friend of mine waited {n} weeks for a reply to a simple complaint.",
    "That works out at roughly {money} for every person living in the area.",
    "The petition has already passed {big} signatures, which says a lot.",
]

COMMENTER_NAMES = [
    "Margaret H.",
    "DaveFromRiverside",
    "Priya Nair",
    "T. Okonkwo",
    "old_harbour_guy",
    "Sandra Whitfield",
    "Kev M",
    "Lucia Ferreira",
    "J. Brennan",
    "NorthEndNeighbour",
    "Ahmed S.",
    "Rosie Calder",
    "bluebell77",
    "Gareth Pryce",
    "Helen Mbeki",
    "Martin Kowalski",
    "Ines Duarte",
    "ConcernedParent",
    "Frank O'Dowd",
    "Yuki T.",
    "Barbara Lindqvist",
    "Raj Patel",
    "Chris_on_the_hill",
    "Eleanor Voss",
    "Sam W.",
]

LETTER_PLACES = [
    "Northfield",
    "Upper Marsham",
    "Greyston",
    "Kellbrook",
    "Dunmore Road",
    "Ashcombe",
    "Linton Vale",
    "St Aldric's",
    "Holloway Park",
    "Westerby",
]

AUTHORS = [
    (
        "Clare Donnelly",
        (
            "Clare Donnelly is our chief reporter and has covered local government and public services for more than 15 years. "
            "She previously worked for regional radio and won a regional press award for investigative journalism in 2021. "
            "She lives in the county with her husband and two dogs."
        ),
    ),
    (
        "Marcus Adeyemi",
        (
            "Marcus Adeyemi covers business, employment and the regional economy. "
            "Before joining the newsroom he spent six years as a financial analyst. "
            "He is a keen amateur cyclist and occasionally writes about the county's best routes."
        ),
    ),
    (
        "Sophie Lindqvist",
        (
            "Sophie Lindqvist is our health and science correspondent. "
            "She studied biology at university and joined the paper as a trainee in 2016."
        ),
    ),
    (
        "Tom Radcliffe",
        (
            "Tom Radcliffe reports on transport, planning and the environment. "
            "He has followed every major infrastructure project in the region since 2012. "
            "You can reach him with story tips through the contact page."
        ),
    ),
    (
        "Nadia Haddad",
        (
            "Nadia Haddad is a general news reporter covering courts, crime and emergencies. "
            "She joined the team after completing a journalism masters and several years at a news agency."
        ),
    ),
    (
        "Owen Fairburn",
        (
            "Owen Fairburn writes about sport, culture and community life. "
            "He has reported from three Olympic Games and still plays five-a-side every Thursday night. "
            "His weekly column appears in the Saturday edition."
        ),
    ),
]

LIVE_UPDATES = [
    "Two lanes of the northbound motorway have reopened after an earlier crash.",
    "The central bank has left interest rates unchanged at its latest meeting.",
    "Firefighters say a grass fire near the reservoir is now under control.",
    "The health minister will make a statement to parliament this afternoon.",
    "Trains between the two main stations are running again after a signal failure.",
    "Shares in the country's largest retailer rose sharply after strong holiday sales.",
    "A yellow weather warning for heavy rain has been extended until Friday morning.",
    "Police have named the man who died in a crash on the coast road on Sunday.",
    "The national team has named three uncapped players in its squad for next month.",
    "Voting has closed in the local by-election, with a result expected after midnight.",
    "Airport officials say departures are delayed by about an hour because of fog.",
    "The teachers' union has announced the result of its ballot on industrial action.",
    "A major power cut affecting around 4,000 homes has now been fixed.",
    "Inflation fell to 2.8 percent last month, according to official figures.",
    "Rescuers have reached a group of walkers stranded on the hills overnight.",
    "The city's mayor has confirmed she will stand for a second term.",
    "Organisers have postponed Saturday's open-air concert because of high winds.",
    "Hospital bosses have declared a critical incident because of high demand.",
    "A bridge on the ring road will close overnight for essential repairs.",
    "Unemployment in the region has risen slightly for the first time in a year.",
]

VIDEO_CAPTIONS = [
    "Drone footage shows the scale of the clean-up operation along the river.",
    "Watch: our reporter explains what the decision means for people living nearby.",
    "Residents describe the moment they heard the news in our short video report.",
    "Video: the key moments from the day, in under two minutes.",
    "Footage filmed by a reader shows crowds gathering outside the building.",
    "Our correspondent walks through the main questions that remain unanswered.",
]

COOKIE_TEXTS = [
    (
        "We use cookies and similar technologies to run this website and to understand how it is used. "
        "With your consent, we and our partners also use them to show you personalised advertising and content. "
        "You can change your choices at any time by selecting Privacy settings at the bottom of any page."
    ),
    (
        "This site stores cookies on your device to make it work properly and to measure traffic. "
        "Some of our advertising partners may also use cookies to build a profile of your interests. "
        "Click Accept all to agree, or Manage options to choose which cookies you allow."
    ),
]

LEGAL_TEXTS = [
    "All content on this website is protected by copyright and may not be reproduced without written permission.",
    "The publisher is not responsible for the content of external websites linked from these pages.",
    "Reader comments reflect the views of their authors and not those of the editorial team.",
    "We follow the code of practice of the independent press standards regulator and deal with complaints promptly.",
    "Advertising on this site is placed by third parties and does not imply endorsement of any product or service.",
    "Personal data is processed in accordance with our privacy notice and applicable data protection law.",
    "Registered office: 14 Quay Street, company number 04812236, VAT registration 233 9182 41.",
]

POLL_QUESTIONS = {
    "politics": "Do you agree with the decision taken by the politicians involved?",
    "business": "Do you agree with the way the company has handled this?",
    "health": "Do you agree with how the health authorities have responded?",
    "science": "Do you agree that projects like this deserve public funding?",
    "transport": "Do you agree with the council's approach to this project?",
    "sport": "Do you agree that the governing body should do more?",
    "crime": "Do you agree with the outcome in this case?",
    "disaster": "Do you agree that the authorities were prepared for this?",
    "culture": "Do you agree that finds like this should stay in public hands?",
    "general": "Do you agree with the decision described in this article?",
}

POLL_OPTIONS = [
    ["Yes, completely", "Partly", "No, not at all", "I don't know"],
    ["Yes", "No", "Undecided"],
    ["Strongly agree", "Agree", "Disagree", "Strongly disagree"],
]

TOPIC_KEYWORDS = {
    "politics": [
        "assembly",
        "election",
        "by-election",
        "minister",
        "vote",
        "voting",
        "majority",
        "government",
        "resigns",
        "party",
        "premier",
    ],
    "business": [
        "plant",
        "jobs",
        "buy",
        "deal",
        "billion",
        "workers",
        "strike",
        "appliances",
        "markets",
        "company",
        "ratify",
    ],
    "health": ["measles", "hospital", "outbreak", "clinics", "admissions", "cases", "health"],
    "science": ["scientists", "octopus", "species", "rocket", "orbital", "launch", "seamount"],
    "transport": ["tram", "bridge", "road", "rail", "extension", "motorway"],
    "sport": ["cup", "final", "marathon", "rugby", "club", "record", "stun"],
    "crime": ["guilty", "theft", "police", "arrest", "tribunal", "court", "hackers", "stole", "couriers", "raids"],
    "disaster": [
        "floods",
        "flood",
        "water",
        "bushfire",
        "leak",
        "fish",
        "heat",
        "boil",
        "blaze",
        "fire",
        "kill",
        "kills",
    ],
    "culture": ["piano", "trio", "auction", "hammer", "music", "gallery", "film"],
}

MENU = {
    "News": ["Local", "National", "World", "Politics", "Education", "Health", "Crime", "Courts"],
    "Business": ["Economy", "Jobs", "Property", "Markets", "Technology", "Personal finance"],
    "Sport": ["Football", "Rugby", "Cricket", "Athletics", "Motorsport", "Results"],
    "What's On": ["Music", "Theatre", "Film", "Food & Drink", "Family days out"],
    "Opinion": ["Columnists", "Letters", "Editorials", "Cartoons"],
    "Lifestyle": ["Travel", "Homes", "Motoring", "Gardening", "Puzzles"],
    "More": ["Weather", "Traffic", "Obituaries", "Jobs board", "Subscribe", "Contact us"],
}

TAG_WORDS = [
    "local news",
    "politics",
    "economy",
    "health",
    "environment",
    "transport",
    "education",
    "crime",
    "courts",
    "weather",
    "sport",
    "culture",
    "community",
    "business",
    "jobs",
    "housing",
    "science",
    "climate",
    "energy",
    "council",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def attr(s: str) -> str:
    return html.escape(s, quote=True)


def slugify(s: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s[:70].rstrip("-")


def classify(title: str, paragraphs: list[str]) -> str:
    words = re.findall(r"[a-z\-]+", (title + " " + " ".join(paragraphs[:2])).lower())
    scores = {}
    for topic, kws in TOPIC_KEYWORDS.items():
        score = 0
        for w in words:
            if w in kws:
                score += 1
        # title words count more
        for w in re.findall(r"[a-z\-]+", title.lower()):
            if w in kws:
                score += 3
        scores[topic] = score
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "general"


def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return m.group(1) if m else text.strip()


class Ctx:
    """Per-page random state and helpers."""

    def __init__(self, template, title, paragraphs, site, seed, other_headlines):
        self.rng = random.Random(f"{template}:{seed}")
        self.template = template
        self.title = title
        self.paragraphs = [p.strip() for p in paragraphs if p.strip()]
        self.site = site
        self.seed = seed
        self.other = [h for h in other_headlines if h and h != title]
        self.topic = classify(title, self.paragraphs)
        self.slug = slugify(title)
        self.domain = slugify(site).replace("-", "") + ".example"
        base = datetime(2025, 1, 6, 6, 0) + timedelta(minutes=self.rng.randint(0, 60 * 24 * 300))
        self.published = base
        self.updated = base + timedelta(minutes=self.rng.randint(20, 300))
        self._used_heads: set[str] = {title}
        self._used_teasers: set[str] = set()
        self._used_comments: set[str] = set()
        self.author = self.rng.choice(AUTHORS)
        self.article_id = self.rng.randint(1_000_000, 9_999_999)

    # -- headline pickers -------------------------------------------------
    def headlines(self, k: int, use_other: int = 0) -> list[tuple[str, str]]:
        """k (headline, teaser) pairs; about use_other of them from other_headlines."""
        out = []
        others = [h for h in self.other if h not in self._used_heads]
        self.rng.shuffle(others)
        for h in others[:use_other]:
            self._used_heads.add(h)
            out.append((h, self._generic_teaser()))
        pool = [ht for ht in HEADLINE_TEASERS if ht[0] not in self._used_heads]
        self.rng.shuffle(pool)
        for h, t in pool[: k - len(out)]:
            self._used_heads.add(h)
            out.append((h, t))
        self.rng.shuffle(out)
        return out

    def _generic_teaser(self) -> str:
        pool = [t for t in GENERIC_TEASERS if t not in self._used_teasers] or GENERIC_TEASERS
        t = self.rng.choice(pool)
        self._used_teasers.add(t)
        return t

    # -- comments -----------------------------------------------------------
    def comment_sentence(self, figures: bool = False) -> str:
        if figures:
            tmpl = self.rng.choice(FIGURE_COMMENTS)
            return tmpl.format(
                money=self.rng.choice(["£35", "£48", "$60", "€52", "£120"]),
                n=self.rng.randint(3, 40),
                pct=self.rng.randint(12, 78),
                year=self.rng.randint(2009, 2021),
                big=f"{self.rng.randint(2, 19)},{self.rng.randint(100, 999)}",
            )
        topical = COMMENTS_BY_TOPIC.get(self.topic, [])
        use_topic = topical and self.rng.random() < 0.65
        pool = topical if use_topic else GENERIC_COMMENTS
        avail = [c for c in pool if c not in self._used_comments]
        if not avail:
            avail = [c for c in GENERIC_COMMENTS + topical if c not in self._used_comments] or pool
        c = self.rng.choice(avail)
        self._used_comments.add(c)
        return c

    def comment_text(self, lo: int, hi: int, figures_p: float = 0.0) -> str:
        n = self.rng.randint(lo, hi)
        sents = []
        for _ in range(n):
            sents.append(self.comment_sentence(figures=self.rng.random() < figures_p))
        return " ".join(sents)

    def name(self) -> str:
        return self.rng.choice(COMMENTER_NAMES)

    def date_str(self, d: datetime | None = None) -> str:
        d = d or self.published
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"

    def later(self, max_minutes: int = 3000) -> datetime:
        return self.published + timedelta(minutes=self.rng.randint(10, max_minutes))

    def hexid(self, n: int = 8) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def url(self, headline: str, section: str = "news") -> str:
        return f"https://www.{self.domain}/{section}/{slugify(headline)}-{self.rng.randint(10000, 99999)}"

    def summary(self) -> str:
        return first_sentence(self.paragraphs[0]) if self.paragraphs else self.title


def _analytics_scripts(ctx: Ctx) -> str:
    gid = f"G-{ctx.hexid(10).upper()}"
    return f"""<script async src="https://www.googletagmanager.com/gtag/js?id={gid}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());
  gtag('config', '{gid}', {{ 'anonymize_ip': true, 'content_group': '{ctx.topic}' }});
</script>
<script>
  var googletag = googletag || {{}}; googletag.cmd = googletag.cmd || [];
  googletag.cmd.push(function() {{
    googletag.defineSlot('/21{ctx.rng.randint(100000, 999999)}/news/article', [[300, 250], [728, 90]], 'div-gpt-ad-top').addService(googletag.pubads());
    googletag.pubads().setTargeting('section', ['{ctx.topic}']);
    googletag.pubads().enableSingleRequest();
    googletag.enableServices();
  }});
</script>"""


# ---------------------------------------------------------------------------
# Template 1: WordPress news theme
# ---------------------------------------------------------------------------


def _wordpress(ctx: Ctx) -> str:
    rng = ctx.rng
    title, paras = ctx.title, ctx.paragraphs
    author_name, author_bio = ctx.author
    section = (
        rng.choice(["News", "Local", "Business", "Politics"])
        if ctx.topic in ("politics", "business", "general")
        else ctx.topic.capitalize()
    )
    featured_caption = rng.choice(
        [
            f"File photo. {section} stories are updated throughout the day.",
            "The scene earlier this week. Photo: staff photographer.",
            "A view of the area at the centre of the story. Photograph supplied.",
            "Archive image used for illustration. Photo: agency.",
        ]
    )

    # mega menu
    menu_items = []
    for top, subs in MENU.items():
        subs_html = "\n".join(
            f'          <li class="menu-item menu-item-type-taxonomy"><a href="https://www.{ctx.domain}/{slugify(top)}/{slugify(s)}/">{esc(s)}</a></li>'
            for s in subs
        )
        menu_items.append(f"""      <li class="menu-item menu-item-has-children mega-menu"><a href="https://www.{ctx.domain}/{slugify(top)}/">{esc(top)}</a>
        <div class="mega-menu-panel">
          <ul class="sub-menu">
{subs_html}
          </ul>
        </div>
      </li>""")
    menu_html = "\n".join(menu_items)

    # entry content with related + ad between paragraphs 2 and 3
    rel_h = ctx.headlines(1, use_other=1)[0][0]
    body_parts = []
    for i, p in enumerate(paras):
        body_parts.append(f"<p>{esc(p)}</p>")
        if i == 0 and len(paras) > 4:
            pass
        if i == 1:
            body_parts.append(
                f'<p class="related-inline"><strong>Related:</strong> <a href="{ctx.url(rel_h)}">{esc(rel_h)}</a></p>'
            )
            body_parts.append(
                '<div class="ad-slot ad-slot--inarticle" id="div-gpt-ad-inarticle-1" data-ad-unit="inarticle_1">\n'
                '  <span class="ad-label">Advertisement</span>\n'
                "  <script>googletag.cmd.push(function(){ googletag.display('div-gpt-ad-inarticle-1'); });</script>\n"
                "</div>"
            )
    content_html = "\n".join(body_parts)

    tags = rng.sample(TAG_WORDS, rng.randint(4, 6))
    tags_html = " ".join(f'<a href="https://www.{ctx.domain}/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in tags)

    # you may also like
    yml = ctx.headlines(6, use_other=2)
    yml_html = "\n".join(
        f"""      <div class="yml-item">
        <a class="yml-thumb" href="{ctx.url(h)}"><img src="https://www.{ctx.domain}/wp-content/uploads/2025/{rng.randint(1, 12):02d}/img-{ctx.hexid(6)}-300x200.jpg" alt="" width="300" height="200" loading="lazy"></a>
        <h3 class="yml-title"><a href="{ctx.url(h)}">{esc(h)}</a></h3>
        <p class="yml-excerpt">{esc(t)}</p>
      </div>"""
        for h, t in yml
    )

    # comments
    n_comments = 4 + int(rng.random() ** 3 * 5)  # 4-8, biased low
    comments = []
    for i in range(n_comments):
        d = ctx.later()
        cid = rng.randint(10000, 99999)
        comments.append(f"""      <li class="comment even thread-{"odd" if i % 2 else "even"} depth-1" id="comment-{cid}">
        <article class="comment-body">
          <footer class="comment-meta">
            <div class="comment-author vcard"><img alt="" src="https://secure.gravatar.com/avatar/{ctx.hexid(32)}?s=48&amp;d=mm" class="avatar avatar-48" height="48" width="48"><b class="fn">{esc(ctx.name())}</b> <span class="says">says:</span></div>
            <div class="comment-metadata"><a href="#comment-{cid}"><time datetime="{d.isoformat()}">{ctx.date_str(d)} at {d.strftime("%H:%M")}</time></a></div>
          </footer>
          <div class="comment-content"><p>{esc(ctx.comment_text(1, rng.choice([1, 1, 2, 3])))}</p></div>
          <div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{cid}" data-commentid="{cid}" aria-label="Reply to comment">Reply</a></div>
        </article>
      </li>""")
    comments_html = "\n".join(comments)

    # sidebar
    popular = ctx.headlines(4, use_other=2)
    popular_html = "\n".join(
        f'        <li><a href="{ctx.url(h)}">{esc(h)}</a><p class="widget-excerpt">{esc(t)}</p></li>'
        for h, t in popular
    )
    cloud = rng.sample(TAG_WORDS, 10)
    cloud_html = " ".join(
        f'<a href="https://www.{ctx.domain}/tag/{slugify(t)}/" class="tag-cloud-link" style="font-size: {rng.randint(8, 22)}pt;">{esc(t)}</a>'
        for t in cloud
    )

    footer_links = [
        "About us",
        "Contact",
        "Advertise",
        "Privacy policy",
        "Cookie policy",
        "Terms of use",
        "Complaints",
        "Careers",
        "RSS feeds",
        "Archive",
    ]
    rng.shuffle(footer_links)
    footer_links_html = "\n".join(
        f'        <li><a href="https://www.{ctx.domain}/{slugify(l)}/">{esc(l)}</a></li>' for l in footer_links
    )

    ver = f"6.{rng.randint(3, 6)}.{rng.randint(0, 3)}"
    pub_iso = ctx.published.isoformat()
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{esc(title)} &#8211; {esc(ctx.site)}</title>
<meta name="description" content="{attr(ctx.summary())}">
<meta name="robots" content="index, follow, max-image-preview:large">
<meta property="og:locale" content="en_GB">
<meta property="og:type" content="article">
<meta property="og:title" content="{attr(title)}">
<meta property="og:description" content="{attr(ctx.summary())}">
<meta property="og:url" content="https://www.{ctx.domain}/{pub_iso[:4]}/{pub_iso[5:7]}/{ctx.slug}/">
<meta property="og:site_name" content="{attr(ctx.site)}">
<meta property="article:published_time" content="{pub_iso}+00:00">
<meta property="article:modified_time" content="{ctx.updated.isoformat()}+00:00">
<meta name="twitter:card" content="summary_large_image">
<meta name="generator" content="WordPress {ver}">
<link rel="canonical" href="https://www.{ctx.domain}/{pub_iso[:4]}/{pub_iso[5:7]}/{ctx.slug}/">
<link rel="stylesheet" id="newsmag-style-css" href="https://www.{ctx.domain}/wp-content/themes/newsmag-pro/style.css?ver={ver}" media="all">
<link rel="stylesheet" id="wp-block-library-css" href="https://www.{ctx.domain}/wp-includes/css/dist/block-library/style.min.css?ver={ver}" media="all">
<style id="newsmag-inline-css">
  .site-header {{ background: #10243e; }}
  .mega-menu-panel {{ display: none; position: absolute; left: 0; right: 0; }}
  .menu-item:hover > .mega-menu-panel {{ display: flex; }}
  .entry-content p {{ font-size: 1.125rem; line-height: 1.7; }}
  .ad-slot {{ min-height: 250px; text-align: center; margin: 24px 0; }}
  .yml-grid {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; }}
</style>
<script type="text/javascript" src="https://www.{ctx.domain}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<script id="newsmag-js-extra">
var newsmag_vars = {{"ajax_url":"https:\\/\\/www.{ctx.domain}\\/wp-admin\\/admin-ajax.php","nonce":"{ctx.hexid(10)}","sticky_header":"1","post_id":"{ctx.article_id}"}};
</script>
{_analytics_scripts(ctx)}
</head>
<body class="post-template-default single single-post postid-{ctx.article_id} single-format-standard wp-embed-responsive">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div class="top-bar"><span class="top-date">{ctx.date_str(ctx.published)}</span> <a href="https://www.{ctx.domain}/subscribe/">Subscribe</a> <a href="https://www.{ctx.domain}/my-account/">Sign in</a></div>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <a href="https://www.{ctx.domain}/" class="custom-logo-link" rel="home"><img src="https://www.{ctx.domain}/wp-content/uploads/logo.svg" class="custom-logo" alt="{attr(ctx.site)}" width="260" height="60"></a>
    <p class="site-description">Independent news for the county since 1884</p>
  </div>
  <nav id="site-navigation" class="main-navigation mega-navigation" aria-label="Primary menu">
    <button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
    <ul id="primary-menu" class="menu nav-menu">
{menu_html}
    </ul>
  </nav>
  <div class="header-search"><form role="search" method="get" action="https://www.{ctx.domain}/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" name="s"></label><button type="submit">Search</button></form></div>
</header>
<div id="content" class="site-content">
<nav class="breadcrumbs" aria-label="Breadcrumb"><span><a href="https://www.{ctx.domain}/">Home</a></span> &raquo; <span><a href="https://www.{ctx.domain}/{slugify(section)}/">{esc(section)}</a></span> &raquo; <span class="breadcrumb_last" aria-current="page">{esc(title)}</span></nav>
<div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-{ctx.article_id}" class="post-{ctx.article_id} post type-post status-publish format-standard has-post-thumbnail hentry category-{slugify(section)}">
  <header class="entry-header">
    <span class="cat-links"><a href="https://www.{ctx.domain}/{slugify(section)}/" rel="category tag">{esc(section)}</a></span>
    <h1 class="entry-title">{esc(title)}</h1>
    <div class="entry-meta">
      <span class="byline">By <span class="author vcard"><a class="url fn n" href="https://www.{ctx.domain}/author/{slugify(author_name)}/">{esc(author_name)}</a></span></span>
      <span class="posted-on"><time class="entry-date published" datetime="{pub_iso}+00:00">{ctx.date_str()}</time><time class="updated" datetime="{ctx.updated.isoformat()}+00:00">Updated {ctx.updated.strftime("%H:%M")}</time></span>
      <span class="comments-link"><a href="#comments">{n_comments} Comments</a></span>
    </div>
  </header>
  <figure class="post-thumbnail wp-block-image size-large">
    <img width="1024" height="576" src="https://www.{ctx.domain}/wp-content/uploads/{pub_iso[:4]}/{pub_iso[5:7]}/{ctx.slug[:30]}-1024x576.jpg" class="attachment-large size-large wp-post-image" alt="" decoding="async" fetchpriority="high">
    <figcaption class="wp-element-caption">{esc(featured_caption)}</figcaption>
  </figure>
  <div class="entry-content">
{content_html}
  </div>
  <footer class="entry-footer">
    <span class="tags-links">Tags: {tags_html}</span>
    <div class="share-buttons"><a class="share-facebook" href="#">Share on Facebook</a> <a class="share-x" href="#">Share on X</a> <a class="share-email" href="#">Email</a></div>
  </footer>
  <div class="author-bio">
    <img alt="" src="https://secure.gravatar.com/avatar/{ctx.hexid(32)}?s=96&amp;d=mm" class="avatar avatar-96" height="96" width="96">
    <div class="author-bio-content">
      <h4 class="author-title">About {esc(author_name)}</h4>
      <p class="author-description">{esc(author_bio)}</p>
      <a class="author-link" href="https://www.{ctx.domain}/author/{slugify(author_name)}/" rel="author">View all posts by {esc(author_name)}</a>
    </div>
  </div>
</article>
<section class="you-may-also-like">
  <h2 class="section-title">You may also like</h2>
  <div class="yml-grid">
{yml_html}
  </div>
</section>
<div id="comments" class="comments-area">
  <h2 class="comments-title">{n_comments} thoughts on &ldquo;{esc(title)}&rdquo;</h2>
  <ol class="comment-list">
{comments_html}
  </ol>
  <div id="respond" class="comment-respond">
    <h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
    <form action="https://www.{ctx.domain}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
      <p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
      <p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text" size="30" required></p>
      <p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p>
    </form>
  </div>
</div>
</main>
</div>
<aside id="secondary" class="widget-area">
  <section id="newsmag-popular-2" class="widget widget_popular_posts">
    <h2 class="widget-title">Popular posts</h2>
    <ul>
{popular_html}
    </ul>
  </section>
  <section id="newsletter-3" class="widget widget_newsletter">
    <h2 class="widget-title">Get the morning briefing</h2>
    <p>The top local stories in your inbox every weekday at 7am.</p>
    <form class="newsletter-form" action="https://www.{ctx.domain}/newsletter/" method="post"><input type="email" name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>
  </section>
  <section id="tag_cloud-2" class="widget widget_tag_cloud">
    <h2 class="widget-title">Tags</h2>
    <div class="tagcloud">{cloud_html}</div>
  </section>
  <section class="widget widget_ad"><div class="ad-slot ad-slot--sidebar" id="div-gpt-ad-sidebar-1"><span class="ad-label">Advertisement</span></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
  <div class="footer-widgets">
    <section class="widget widget_text">
      <h2 class="widget-title">About {esc(ctx.site)}</h2>
      <div class="textwidget"><p>{esc(ctx.site)} has reported on the towns and villages of the county for more than a century. Got a story? Email our newsdesk any day of the week.</p></div>
    </section>
    <section class="widget widget_nav_menu">
      <ul class="menu">
{footer_links_html}
      </ul>
    </section>
  </div>
  <div class="site-info">&copy; {ctx.published.year} {esc(ctx.site)}. All rights reserved. Proudly powered by WordPress.</div>
</footer>
</div>
<script src="https://www.{ctx.domain}/wp-content/themes/newsmag-pro/js/navigation.js?ver={ver}" id="newsmag-navigation-js"></script>
<script src="https://www.{ctx.domain}/wp-includes/js/comment-reply.min.js?ver={ver}" id="comment-reply-js" async></script>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# Template 2: legacy table layout
# ---------------------------------------------------------------------------


def _legacy_table(ctx: Ctx) -> str:
    rng = ctx.rng
    title, paras = ctx.title, ctx.paragraphs
    author_name = ctx.author[0]
    sections = [
        "Front Page",
        "Local News",
        "County Council",
        "Courts",
        "Business",
        "Farming",
        "Sport",
        "Schools",
        "Obituaries",
        "Letters",
        "Weddings &amp; Anniversaries",
        "What's On",
        "Classifieds",
        "Property",
        "Motors",
        "Archive",
        "Contact Us",
    ]
    left_links = "\n".join(
        f'<TR><TD><FONT FACE="Verdana, Arial" SIZE="2"><A HREF="/{slugify(s)}.asp"><B>{s}</B></A></FONT></TD></TR>'
        for s in sections
    )

    most_read = ctx.headlines(rng.randint(5, 6), use_other=2)
    most_read_html = "\n".join(
        f"""<TR><TD VALIGN="top"><FONT FACE="Arial" SIZE="1" COLOR="#990000"><B>{i + 1}.</B></FONT></TD>
<TD><FONT FACE="Arial" SIZE="2"><A HREF="/news/story.asp?id={rng.randint(20000, 99999)}"><B>{esc(h)}</B></A></FONT><BR>
<FONT FACE="Arial" SIZE="1">{esc(t)}</FONT><BR><BR></TD></TR>"""
        for i, (h, t) in enumerate(most_read)
    )

    story = "<BR><BR>\n".join(esc(p) for p in paras)

    n_letters = rng.randint(2, 3)
    letters = []
    letter_names = rng.sample(
        [
            "A. Whitcombe",
            "J. Pennington",
            "R. Sutherland",
            "M. Okafor",
            "E. Hargreaves",
            "P. Lockwood",
            "S. Banerjee",
            "D. Fairclough",
            "K. Marsh",
            "L. Ainsworth",
        ],
        n_letters,
    )
    letter_places = rng.sample(LETTER_PLACES, n_letters)
    for li in range(n_letters):
        name = rng.choice(["Mr", "Mrs", "Ms", "Dr"]) + " " + letter_names[li]
        subj = rng.choice(["Sir,", "Dear Editor,", "Sir,"])
        text = ctx.comment_text(2, 3)
        letters.append(f"""<TR><TD BGCOLOR="#FFFFF0"><FONT FACE="Georgia, Times" SIZE="2"><I>{subj}</I><BR>
{esc(text)}<BR>
<B>{esc(name)}</B>, <I>{esc(letter_places[li])}</I></FONT></TD></TR>
<TR><TD><IMG SRC="/images/spacer.gif" WIDTH="1" HEIGHT="8" ALT=""></TD></TR>""")
    letters_html = "\n".join(letters)

    weather = rng.choice(["Sunny spells, 14C", "Light rain, 9C", "Cloudy, 11C", "Showers, 8C", "Clear, 17C"])
    pub = ctx.published
    visitors = rng.randint(100000, 999999)
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML>
<HEAD>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<META NAME="keywords" CONTENT="{attr(ctx.site)}, news, local news, county, {attr(ctx.topic)}">
<META NAME="description" CONTENT="{attr(title)}">
<META NAME="author" CONTENT="{attr(ctx.site)}">
<TITLE>{esc(ctx.site)} :: {esc(title)}</TITLE>
<LINK REL="stylesheet" TYPE="text/css" HREF="/styles/main.css">
<STYLE TYPE="text/css">
<!--
A:link {{ color: #003366; text-decoration: none }}
A:hover {{ color: #990000; text-decoration: underline }}
.headline {{ font-family: Georgia, Times New Roman; font-size: 20px; font-weight: bold }}
-->
</STYLE>
<SCRIPT LANGUAGE="JavaScript" TYPE="text/javascript">
<!--
function popUp(URL) {{
  day = new Date(); id = day.getTime();
  eval("page" + id + " = window.open(URL, '" + id + "', 'toolbar=0,scrollbars=1,location=0,statusbar=0,menubar=0,resizable=1,width=640,height=600');");
}}
function MM_swapImgRestore() {{ var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc; }}
//-->
</SCRIPT>
</HEAD>
<BODY BGCOLOR="#FFFFFF" TOPMARGIN="0" LEFTMARGIN="0" MARGINWIDTH="0" MARGINHEIGHT="0" LINK="#003366" VLINK="#663366">
<TABLE WIDTH="780" BORDER="0" CELLSPACING="0" CELLPADDING="0" ALIGN="center">
<TR>
<TD COLSPAN="3" BGCOLOR="#003366"><TABLE WIDTH="100%" BORDER="0" CELLPADDING="4"><TR>
<TD><A HREF="/"><IMG SRC="/images/masthead.gif" WIDTH="468" HEIGHT="60" BORDER="0" ALT="{attr(ctx.site)}"></A></TD>
<TD ALIGN="right" VALIGN="bottom"><FONT FACE="Arial" SIZE="1" COLOR="#FFFFFF">{pub.strftime("%A")}, {ctx.date_str(pub)}<BR>Weather: {weather}</FONT></TD>
</TR></TABLE></TD>
</TR>
<TR><TD COLSPAN="3" BGCOLOR="#CCCC99"><FONT FACE="Arial" SIZE="1">&nbsp;<A HREF="/">Home</A> | <A HREF="/news/">News</A> | <A HREF="/sport/">Sport</A> | <A HREF="/classifieds/">Classifieds</A> | <A HREF="/subscribe.asp">Subscribe to the print edition</A></FONT></TD></TR>
<TR>
<TD WIDTH="150" VALIGN="top" BGCOLOR="#EEEEDD">
<TABLE WIDTH="150" BORDER="0" CELLSPACING="0" CELLPADDING="4">
<TR><TD BGCOLOR="#003366"><FONT FACE="Arial" SIZE="2" COLOR="#FFFFFF"><B>SECTIONS</B></FONT></TD></TR>
{left_links}
<TR><TD><IMG SRC="/images/spacer.gif" WIDTH="1" HEIGHT="20" ALT=""></TD></TR>
<TR><TD><FONT FACE="Arial" SIZE="1">Search the archive:<BR><FORM ACTION="/search.asp" METHOD="get"><INPUT TYPE="text" NAME="q" SIZE="12"><INPUT TYPE="submit" VALUE="Go"></FORM></FONT></TD></TR>
<TR><TD ALIGN="center"><A HREF="/advertise.asp"><IMG SRC="/ads/local_garage_120x240.gif" WIDTH="120" HEIGHT="240" BORDER="0" ALT="Advertisement"></A></TD></TR>
</TABLE>
</TD>
<TD WIDTH="450" VALIGN="top">
<TABLE WIDTH="100%" BORDER="0" CELLSPACING="0" CELLPADDING="8">
<TR><TD><FONT FACE="Arial" SIZE="1"><A HREF="/">Home</A> &gt; <A HREF="/news/">News</A> &gt; Story</FONT></TD></TR>
<TR><TD>
<FONT FACE="Georgia, Times New Roman" SIZE="5" COLOR="#000000"><B>{esc(title)}</B></FONT><BR>
<FONT FACE="Arial" SIZE="1" COLOR="#666666">By {esc(author_name)} &nbsp;|&nbsp; Published {ctx.date_str(pub)} &nbsp;|&nbsp; <A HREF="javascript:popUp('/news/print.asp?id={ctx.article_id}')">Printable version</A> &nbsp;|&nbsp; <A HREF="/news/email.asp?id={ctx.article_id}">Email this story</A></FONT><BR><BR>
<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0" ALIGN="right"><TR><TD><IMG SRC="/photos/{pub.year}/{ctx.article_id}_1.jpg" WIDTH="200" HEIGHT="150" ALT="" HSPACE="6" VSPACE="4"></TD></TR></TABLE>
<FONT FACE="Georgia, Times New Roman" SIZE="3">
{story}
</FONT>
<BR><BR>
<FONT FACE="Arial" SIZE="1"><A HREF="javascript:popUp('/news/print.asp?id={ctx.article_id}')"><IMG SRC="/images/printer.gif" WIDTH="16" HEIGHT="16" BORDER="0" ALT=""> Printable version</A> &nbsp; <A HREF="/news/">Back to News</A></FONT>
</TD></TR>
<TR><TD><IMG SRC="/images/hr_dots.gif" WIDTH="430" HEIGHT="3" ALT=""></TD></TR>
<TR><TD>
<TABLE WIDTH="100%" BORDER="0" CELLSPACING="0" CELLPADDING="6">
<TR><TD BGCOLOR="#003366"><FONT FACE="Arial" SIZE="2" COLOR="#FFFFFF"><B>LETTERS TO THE EDITOR</B></FONT></TD></TR>
{letters_html}
<TR><TD><FONT FACE="Arial" SIZE="1">Letters may be edited for length. Write to The Editor or use our <A HREF="/letters/submit.asp">online form</A>.</FONT></TD></TR>
</TABLE>
</TD></TR>
</TABLE>
</TD>
<TD WIDTH="180" VALIGN="top" BGCOLOR="#F5F5F5">
<TABLE WIDTH="180" BORDER="0" CELLSPACING="0" CELLPADDING="4">
<TR><TD COLSPAN="2" BGCOLOR="#990000"><FONT FACE="Arial" SIZE="2" COLOR="#FFFFFF"><B>MOST READ</B></FONT></TD></TR>
{most_read_html}
<TR><TD COLSPAN="2" ALIGN="center"><IMG SRC="/ads/estate_agent_160x600.gif" WIDTH="160" HEIGHT="600" ALT="Advertisement"></TD></TR>
</TABLE>
</TD>
</TR>
<TR><TD COLSPAN="3" BGCOLOR="#003366" ALIGN="center"><FONT FACE="Arial" SIZE="1" COLOR="#FFFFFF">&copy; {pub.year} {esc(ctx.site)} Ltd. All rights reserved. | <A HREF="/terms.asp"><FONT COLOR="#FFFFFF">Terms</FONT></A> | <A HREF="/privacy.asp"><FONT COLOR="#FFFFFF">Privacy</FONT></A><BR>You are visitor number {visitors:,}. Best viewed at 800x600 in Internet Explorer.</FONT></TD></TR>
</TABLE>
<SCRIPT LANGUAGE="JavaScript" SRC="/scripts/counter.js"></SCRIPT>
</BODY>
</HTML>
"""


# ---------------------------------------------------------------------------
# Template 3: SSR React / Next.js
# ---------------------------------------------------------------------------


def _css_classes(n: int = 60) -> list[str]:
    r = random.Random("spa-ssr-class-names")  # stable across pages of the site
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return ["css-" + "".join(r.choice(alphabet) for _ in range(r.randint(5, 7))) for _ in range(n)]


def _spa_ssr(ctx: Ctx) -> str:
    rng = ctx.rng
    C = _css_classes()
    title, paras = ctx.title, ctx.paragraphs
    author_name = ctx.author[0]
    summary = ctx.summary()

    nav_sections = [
        "Home",
        "UK",
        "World",
        "Business",
        "Politics",
        "Tech",
        "Science",
        "Health",
        "Sport",
        "Culture",
        "Travel",
        "Weather",
    ]
    nav_html = "".join(
        f'<li class="{C[1]}"><a class="{C[2]}" href="/{slugify(s)}">{esc(s)}</a></li>' for s in nav_sections
    )

    blocks = "\n".join(
        f'<div data-component="text-block" class="{C[10]}"><div class="{C[11]}"><p class="{C[12]}">{esc(p)}</p></div></div>'
        for p in paras
    )
    # an image block after the first text block
    img_block = (
        f'<div data-component="image-block" class="{C[13]}"><figure class="{C[14]}"><div class="{C[15]}">'
        f'<img alt="" src="https://ichef.{ctx.domain}/images/{ctx.hexid(12)}.jpg.webp" width="976" height="549" class="{C[16]}" loading="eager"></div>'
        f'<figcaption class="{C[17]}"><span class="{C[18]}">Image source, </span>Getty Images</figcaption></figure></div>'
    )
    first, _, rest = blocks.partition("\n")
    blocks = first + "\n" + img_block + ("\n" + rest if rest else "")

    # live ticker
    live = rng.sample(LIVE_UPDATES, 5)
    t0 = ctx.published + timedelta(minutes=rng.randint(30, 200))
    times = sorted([t0 - timedelta(minutes=rng.randint(1, 240)) for _ in range(5)], reverse=True)
    live_html = "".join(
        f'<li class="{C[21]}"><div class="{C[22]}"><time class="{C[23]}" datetime="{t.isoformat()}">{t.strftime("%H:%M")}</time>'
        f'<div class="{C[24]}"><span class="{C[25]}">{esc(s)}</span></div></div></li>'
        for t, s in zip(times, live)
    )

    more = ctx.headlines(rng.randint(4, 6), use_other=2)
    more_html = "".join(
        f'<li class="{C[31]}"><div class="{C[32]}"><a class="{C[33]}" href="{ctx.url(h)}"><div class="{C[34]}">'
        f'<img src="https://ichef.{ctx.domain}/images/{ctx.hexid(12)}.jpg.webp" alt="" class="{C[35]}"></div>'
        f'<div class="{C[36]}"><span class="{C[37]}" role="text">{esc(h)}</span></div></a></div></li>'
        for h, _ in more
    )

    related3 = ctx.headlines(3, use_other=1)
    other_summaries = []
    for h, t in related3:
        other_summaries.append(
            {
                "id": f"c{ctx.hexid(10)}",
                "headline": h,
                "summary": t + " " + ctx._generic_teaser(),
                "url": ctx.url(h),
                "lastPublished": ctx.later(-1 if False else 600).isoformat() + "Z",
                "image": {"src": f"https://ichef.{ctx.domain}/images/{ctx.hexid(12)}.jpg", "alt": ""},
            }
        )

    pub_iso = ctx.published.isoformat() + "Z"
    next_data = {
        "props": {
            "pageProps": {
                "page": {
                    "id": f"article-{ctx.article_id}",
                    "type": "article",
                    "contents": {
                        "headline": title,
                        "summary": summary,
                        "byline": {"name": author_name, "role": "Reporter"},
                        "firstPublished": pub_iso,
                        "lastUpdated": ctx.updated.isoformat() + "Z",
                        "section": {"name": ctx.topic.capitalize(), "uri": f"/{ctx.topic}"},
                        "wordCount": sum(len(p.split()) for p in paras),
                    },
                    "relatedContent": other_summaries,
                    "liveTicker": [{"time": t.strftime("%H:%M"), "text": s} for t, s in zip(times, live)],
                },
                "ads": {"enabled": True, "slots": ["leaderboard", "mpu", "mpu_2"], "zone": f"/news/{ctx.topic}"},
                "navigation": [{"title": s, "url": f"/{slugify(s)}"} for s in nav_sections],
                "toggles": {
                    "liveTicker": True,
                    "comments": False,
                    "newsletterPromo": rng.random() < 0.5,
                    "chartbeat": True,
                    "consentBanner": True,
                },
            },
            "__N_SSP": True,
        },
        "page": "/news/[...slug]",
        "query": {"slug": [f"{ctx.slug}-{ctx.article_id}"]},
        "buildId": f"{ctx.hexid(8)}-{ctx.hexid(4)}",
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }
    next_json = json.dumps(next_data, ensure_ascii=False).replace("</", "<\\/")

    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "description": summary,
        "datePublished": pub_iso,
        "dateModified": ctx.updated.isoformat() + "Z",
        "author": [{"@type": "Person", "name": author_name}],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": ctx.site,
            "logo": {"@type": "ImageObject", "url": f"https://www.{ctx.domain}/logo.png"},
        },
        "image": {
            "@type": "ImageObject",
            "url": f"https://ichef.{ctx.domain}/images/{ctx.hexid(12)}.jpg",
            "width": 1024,
            "height": 576,
        },
        "mainEntityOfPage": f"https://www.{ctx.domain}/news/{ctx.slug}-{ctx.article_id}",
        "isAccessibleForFree": True,
    }
    ld_json = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")

    css_rules = "".join(
        f".{c}{{{rng.choice(['display:flex', 'margin:0 auto', 'padding:0.5rem', 'font-family:ReithSans,Helvetica,Arial,sans-serif', 'color:#141414', 'position:relative'])};}}"
        for c in C[:40]
    )
    chunks = "".join(
        f'<script src="/_next/static/chunks/{name}-{ctx.hexid(16)}.js" defer=""></script>'
        for name in ["webpack", "framework", "main", "pages/_app", "pages/news/[...slug]"]
    )
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{esc(title)} - {esc(ctx.site)}</title><meta name="description" content="{attr(summary)}"/><meta property="og:title" content="{attr(title)}"/><meta property="og:description" content="{attr(summary)}"/><meta property="og:type" content="article"/><meta name="twitter:card" content="summary_large_image"/><link rel="canonical" href="https://www.{ctx.domain}/news/{ctx.slug}-{ctx.article_id}"/><link rel="preload" href="/_next/static/media/reith-sans.woff2" as="font" type="font/woff2" crossorigin="anonymous"/><style data-emotion="css {" ".join(c[4:] for c in C[:40])}">{css_rules}</style><script type="application/ld+json">{ld_json}</script>{chunks}</head><body><div id="__next"><div class="{C[0]}"><a class="{C[3]}" href="#main-content">Skip to content</a><header class="{C[4]}" role="banner"><div class="{C[5]}"><div class="{C[6]}"><a href="/" class="{C[7]}"><svg viewBox="0 0 84 24" class="{C[8]}" aria-label="{attr(ctx.site)}" role="img"><path d="M0 0h24v24H0z"></path></svg></a><nav class="{C[9]}" aria-label="{attr(ctx.site)}"><ul class="{C[1]}" role="list">{nav_html}</ul></nav></div></div></header><div class="{C[19]}"><div class="{C[20]}"><div class="{C[26]}"><div class="{C[27]}"><span class="{C[28]}">Live updates</span></div><ol class="{C[29]}">{live_html}</ol></div></div></div><div class="{C[38]}"><main id="main-content" class="{C[39]}"><article class="{C[40]}"><header class="{C[41]}" data-component="headline-block"><div class="{C[42]}"><h1 id="main-heading" class="{C[43]}" tabindex="-1">{esc(title)}</h1></div></header><div data-component="byline-block" class="{C[44]}"><div class="{C[45]}"><div class="{C[46]}"><time class="{C[47]}" datetime="{pub_iso}">{ctx.date_str()}</time></div><div class="{C[48]}"><span class="{C[49]}">{esc(author_name)}</span><span class="{C[50]}">Reporter</span></div></div></div>
<div class="{C[51]}"><div class="{C[52]}">
{blocks}
</div></div><div data-component="tag-list" class="{C[53]}"><ul class="{C[54]}"><li><a href="/{ctx.topic}" class="{C[55]}">{esc(ctx.topic.capitalize())}</a></li></ul></div></article><section class="{C[56]}" aria-labelledby="more-on-this-story"><div class="{C[57]}"><h2 id="more-on-this-story" class="{C[58]}">More on this story</h2><div class="{C[59]}"><button class="{C[30]}" aria-label="Previous">&lsaquo;</button><ul class="{C[30]}" role="list">{more_html}</ul><button class="{C[30]}" aria-label="Next">&rsaquo;</button></div></div></section></main></div><footer class="{C[5]}" role="contentinfo"><div class="{C[6]}"><ul class="{C[1]}"><li><a href="/terms" class="{C[2]}">Terms of Use</a></li><li><a href="/about" class="{C[2]}">About {esc(ctx.site)}</a></li><li><a href="/privacy" class="{C[2]}">Privacy Policy</a></li><li><a href="/cookies" class="{C[2]}">Cookies</a></li><li><a href="/contact" class="{C[2]}">Contact</a></li></ul><p class="{C[7]}">Copyright {ctx.published.year} {esc(ctx.site)}. We are not responsible for the content of external sites.</p></div></footer></div></div><script id="__NEXT_DATA__" type="application/json">{next_json}</script></body></html>
"""


# ---------------------------------------------------------------------------
# Template 4: busy regional portal
# ---------------------------------------------------------------------------


def _portal(ctx: Ctx) -> str:
    rng = ctx.rng
    title, paras = ctx.title, ctx.paragraphs
    author_name = ctx.author[0]
    half = (len(paras) + 1) // 2
    first_half = "\n".join(f'<p class="art-p">{esc(p)}</p>' for p in paras[:half])
    second_half = "\n".join(f'<p class="art-p">{esc(p)}</p>' for p in paras[half:])

    breaking = ctx.headlines(3, use_other=1)
    breaking_html = ' <span class="sep">&bull;</span> '.join(
        f'<a href="{ctx.url(h)}">{esc(h)}</a>' for h, _ in breaking
    )

    read_also = ctx.headlines(3, use_other=1)
    read_also_html = "\n".join(
        f'      <li class="ra-item"><a href="{ctx.url(h)}" class="ra-link">{esc(h)}</a><span class="ra-teaser">{esc(t)}</span></li>'
        for h, t in read_also
    )

    opts = rng.choice(POLL_OPTIONS)
    question = POLL_QUESTIONS.get(ctx.topic, POLL_QUESTIONS["general"])
    poll_html = "\n".join(
        f'        <label class="poll-opt"><input type="radio" name="poll-{ctx.article_id}" value="{i}"> {esc(o)}</label>'
        for i, o in enumerate(opts)
    )
    votes = rng.randint(300, 9000)

    video_caption = rng.choice(VIDEO_CAPTIONS)

    trending = ctx.headlines(8, use_other=3)
    trending_html = "\n".join(
        f'      <li class="trend-item"><span class="trend-num">{i + 1}</span><div><a href="{ctx.url(h)}">{esc(h)}</a><p class="trend-teaser">{esc(t)}</p></div></li>'
        for i, (h, t) in enumerate(trending)
    )

    n_comments = 10 + int(rng.random() ** 4 * 11)  # 10-20, biased low
    comments = []
    n_long = 3  # "several" long comments
    long_idx = set(rng.sample(range(n_comments), n_long))
    for i in range(n_comments):
        if i in long_idx:
            text = ctx.comment_text(2, rng.choice([2, 2, 3, 4]), figures_p=0.4)
        else:
            text = ctx.comment_text(1, 1, figures_p=0.15)
        ctx.later()  # drawn all the same: the pages stay as they were first written
        likes = rng.randint(0, 240)
        comments.append(f"""    <div class="cmt{" cmt--reply" if (i and rng.random() < 0.25) else ""}" data-cid="{rng.randint(100000, 999999)}">
      <div class="cmt-head"><span class="cmt-user">{esc(ctx.name())}</span> <span class="cmt-time">{rng.randint(1, 23)} h ago</span></div>
      <div class="cmt-text">{esc(text)}</div>
      <div class="cmt-actions"><a href="#" class="cmt-like">&#128077; {likes}</a> <a href="#" class="cmt-reply">Reply</a> <a href="#" class="cmt-report">Report</a></div>
    </div>""")
    comments_html = "\n".join(comments)

    cookie = rng.choice(COOKIE_TEXTS)
    legal = " ".join(rng.sample(LEGAL_TEXTS, 4 + (rng.random() < 0.3)))

    cats = [
        "Home",
        "News",
        "Region",
        "Politics",
        "Economy",
        "Crime",
        "Sport",
        "Weather",
        "Traffic",
        "Events",
        "Classifieds",
        "Jobs",
        "Real estate",
        "Cars",
        "Health",
        "Travel",
        "Video",
        "Photo",
    ]
    nav_html = " ".join(f'<a class="nav-link" href="/{slugify(c)}">{esc(c)}</a>' for c in cats)
    footer_cols = {
        "Services": ["Classifieds", "Obituaries", "Jobs", "Real estate", "Newsletter", "E-paper"],
        "Company": ["About us", "Editorial team", "Advertise", "Careers", "Contact", "Imprint"],
    }
    footer_html = "\n".join(
        f'    <div class="fcol"><h4>{esc(k)}</h4><ul>'
        + "".join(f'<li><a href="/{slugify(x)}">{esc(x)}</a></li>' for x in v)
        + "</ul></div>"
        for k, v in footer_cols.items()
    )

    pub = ctx.published
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=5">
<title>{esc(title)} | {esc(ctx.site)}</title>
<meta name="description" content="{attr(ctx.summary())}">
<meta name="keywords" content="{attr(ctx.topic)}, region, news, {attr(ctx.site)}">
<meta property="og:title" content="{attr(title)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{attr(ctx.site)}">
<meta name="article:section" content="{attr(ctx.topic)}">
<link rel="stylesheet" href="/static/css/portal.min.css?v={ctx.hexid(6)}">
<style>
.cookie-banner{{position:fixed;bottom:0;left:0;right:0;background:#222;color:#eee;padding:16px;z-index:9999}}
.breaking-bar{{background:#c00;color:#fff;font-weight:700;white-space:nowrap;overflow:hidden}}
.read-also{{border-left:4px solid #c00;padding:8px 12px;margin:20px 0;background:#f7f7f7}}
.poll{{border:1px solid #ddd;padding:12px;margin:20px 0}}
.cmt{{border-bottom:1px solid #eee;padding:10px 0}}
</style>
{_analytics_scripts(ctx)}
<script>window.__PORTAL_CFG__={{"articleId":{ctx.article_id},"section":"{ctx.topic}","paywall":false,"abTest":"{rng.choice(["A", "B"])}"}};</script>
</head>
<body class="page-article section-{ctx.topic}">
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-live="polite">
  <p class="cookie-text">{esc(cookie)}</p>
  <div class="cookie-buttons"><button class="btn-accept">Accept all</button> <button class="btn-reject">Reject</button> <a href="/privacy-settings" class="btn-settings">Privacy settings</a></div>
</div>
<div class="topline"><span class="tl-date">{pub.strftime("%A")}, {ctx.date_str(pub)}</span> <span class="tl-weather">{rng.randint(2, 24)}&deg;C</span> <a href="/login">Log in</a> <a href="/subscribe">Subscribe</a></div>
<header class="portal-header">
  <a href="/" class="logo"><img src="/static/img/logo.png" alt="{attr(ctx.site)}" width="220" height="48"></a>
  <nav class="portal-nav">{nav_html}</nav>
</header>
<div class="breaking-bar"><span class="breaking-label">BREAKING</span> {breaking_html}</div>
<div class="ad ad-billboard" id="ad-billboard"><span class="ad-label">Advertisement</span></div>
<div class="layout">
<div class="main-col">
<div class="article" id="article-{ctx.article_id}">
  <div class="art-crumbs"><a href="/">Home</a> / <a href="/news">News</a> / <a href="/{ctx.topic}">{esc(ctx.topic.capitalize())}</a></div>
  <h1 class="art-title">{esc(title)}</h1>
  <div class="art-meta"><span class="art-author">{esc(author_name)}</span> <span class="art-date">{ctx.date_str(pub)}, {pub.strftime("%H:%M")}</span> <span class="art-comments"><a href="#comments">{n_comments} comments</a></span></div>
  <div class="art-share"><a href="#" class="sh-fb">Facebook</a> <a href="#" class="sh-wa">WhatsApp</a> <a href="#" class="sh-x">X</a> <a href="#" class="sh-mail">Email</a></div>
  <div class="art-body">
{first_half}
  <div class="read-also">
    <h3 class="ra-title">Read also</h3>
    <ul class="ra-list">
{read_also_html}
    </ul>
  </div>
  <div class="poll" id="poll-{ctx.article_id}">
    <h3 class="poll-title">Poll</h3>
    <p class="poll-question">{esc(question)}</p>
    <form class="poll-form">
{poll_html}
      <button type="submit" class="poll-vote">Vote</button>
    </form>
    <p class="poll-count">{votes:,} readers have voted so far.</p>
  </div>
{second_half}
  </div>
  <div class="video-block">
    <div class="video-player" data-video-id="{ctx.hexid(10)}"><video controls preload="none" poster="/static/video/{ctx.hexid(8)}.jpg"><source src="/static/video/{ctx.hexid(8)}.mp4" type="video/mp4"></video></div>
    <p class="video-caption">{esc(video_caption)}</p>
  </div>
</div>
<section class="comments" id="comments">
  <h2>Reader comments ({n_comments})</h2>
  <p class="cmt-rules">Please keep the discussion respectful. Comments are moderated.</p>
{comments_html}
  <a href="#" class="cmt-more">Load more comments</a>
</section>
</div>
<aside class="side-col">
  <div class="ad ad-mpu" id="ad-mpu-1"><span class="ad-label">Advertisement</span></div>
  <section class="trending">
    <h2>Trending now</h2>
    <ol class="trend-list">
{trending_html}
    </ol>
  </section>
  <div class="ad ad-mpu" id="ad-mpu-2"><span class="ad-label">Advertisement</span></div>
</aside>
</div>
<footer class="portal-footer">
  <div class="fcols">
{footer_html}
  </div>
  <div class="legal"><p>{esc(legal)}</p></div>
  <div class="copyright">&copy; {pub.year} {esc(ctx.site)} Media Group. All rights reserved.</div>
</footer>
<script src="/static/js/portal.bundle.js?v={ctx.hexid(6)}" defer></script>
<script>document.querySelector('.btn-accept').addEventListener('click',function(){{document.getElementById('cookie-consent').remove();}});</script>
</body>
</html>
"""


_RENDERERS = {
    "wordpress": _wordpress,
    "legacy-table": _legacy_table,
    "spa-ssr": _spa_ssr,
    "portal": _portal,
}


def render(
    template: str, *, title: str, paragraphs: list[str], site: str, seed: int, other_headlines: list[str]
) -> str:
    if template not in _RENDERERS:
        raise ValueError(f"unknown template {template!r}; choose from {TEMPLATES}")
    ctx = Ctx(template, title, paragraphs, site, seed, list(other_headlines))
    return _RENDERERS[template](ctx)
