"""Whole HTML news pages for tests and benchmarks: a story wrapped in the chrome an extractor must remove.

Scrapers hand Copydesk whole pages, not clean article text.  Around the story sit menus,
breadcrumbs, related and trending headlines, cookie notices, newsletter boxes, sidebars,
reader comments and footers, and most of that chrome is made of real sentences (other
stories' headlines, readers' opinions), which is what makes it hard to tell from the story.
``render_page`` builds such a page in one of five site templates (``TEMPLATES``), carrying a
given title and body, with 300-900 words of chrome that varies with the ``random.Random``
passed in.  Everything here (markup, text pools) is invented for the purpose; the output is
pure and deterministic for a given rng state.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

TEMPLATES: tuple[str, ...] = ("div-only", "semantic", "blog", "amp", "comments")

# --------------------------------------------------------------------------------------------
# Text pools (all written for this module).
# --------------------------------------------------------------------------------------------

SECTIONS: tuple[str, ...] = (
    "News",
    "Local",
    "World",
    "Politics",
    "Business",
    "Markets",
    "Money",
    "Technology",
    "Science",
    "Health",
    "Environment",
    "Climate",
    "Education",
    "Crime",
    "Courts",
    "Transport",
    "Sport",
    "Football",
    "Cricket",
    "Tennis",
    "Culture",
    "Film",
    "Music",
    "Books",
    "Arts",
    "Travel",
    "Food",
    "Lifestyle",
    "Property",
    "Motoring",
    "Opinion",
    "Letters",
    "Obituaries",
    "Weather",
    "Video",
    "Podcasts",
    "Puzzles",
    "Newsletters",
    "Events",
    "Jobs",
)

HEADLINES: tuple[str, ...] = (
    "Council approves plan to reopen riverside library after five-year closure",
    "Heatwave warning issued as temperatures set to climb above 35C",
    "Regional rail operator to cut weekend services during track upgrade",
    "Central bank holds interest rates steady for third month running",
    "Scientists map hidden cave system beneath limestone plateau",
    "Hospital waiting lists fall for first time in two years, figures show",
    "Striker's late header sends promoted side to top of the table",
    "Ferry passengers stranded overnight after engine failure in the strait",
    "Teachers vote to accept revised pay offer, ending months of dispute",
    "Wildfire forces evacuation of three hillside villages",
    "Start-up raises funding to build batteries from sodium instead of lithium",
    "Minister resigns over undeclared consultancy payments",
    "Record number of first-time buyers priced out of city centres",
    "Rare orchid found growing on disused railway embankment",
    "Police appeal for witnesses after jewellery shop raid",
    "Airport unveils plans for second runway despite noise objections",
    "Supermarket chain recalls chicken salads over listeria fears",
    "Veteran actor returns to the stage after a decade away",
    "Drought restrictions lifted as reservoirs refill after wet spring",
    "Chess prodigy, 12, becomes youngest national champion",
    "Farmers warn of vegetable shortages after flooded harvest",
    "New bridge opens six months late and millions over budget",
    "Museum returns looted bronze statues to their country of origin",
    "Electric scooter trial extended for another year despite safety concerns",
    "Lawmakers debate ban on disposable vapes",
    "Runner completes 100 marathons in 100 days for children's hospice",
    "Factory closure puts 400 jobs at risk in northern town",
    "Astronomers detect water vapour in atmosphere of distant planet",
    "Mobile network outage leaves thousands unable to call emergency services",
    "Tenants' union wins court battle over unfair eviction notices",
    "Tennis star withdraws from tournament with wrist injury",
    "Bird flu confirmed at poultry farm as cull is ordered",
    "Opposition leader sets out plan to scrap tuition fees",
    "Composer's lost symphony performed for the first time in 150 years",
    "Fuel prices rise for sixth consecutive week",
    "Coastguard rescues kayakers swept out to sea",
    "Tech giant fined for breaching children's privacy rules",
    "Village pub saved by residents who bought it together",
    "Storm brings down power lines, leaving 20,000 homes without electricity",
    "Study links poor sleep in teenagers to late-night phone use",
    "Film festival opens with documentary about fishing communities",
    "Court hears how fraudster posed as a property developer",
    "Bus fares capped for another year as passenger numbers recover",
    "Cyclists call for protected lanes after spate of collisions",
    "Archaeologists uncover Roman villa under school playing field",
    "Unemployment edges up as hiring slows in retail and hospitality",
    "Zoo celebrates birth of endangered red panda cubs",
    "Inquiry finds warnings about crumbling concrete were ignored",
    "National coach names three uncapped players in squad",
    "Housing association to fit 5,000 homes with heat pumps",
    "Water company fined over sewage spills into bathing waters",
    "Debut novel about a family bakery wins major fiction prize",
    "Ambulance response times worst on record in rural areas",
    "Quiz show contestant wins jackpot with final-second answer",
    "Satellite images reveal shrinking glaciers across mountain range",
    "Care home staff shortages reach crisis point, report warns",
    "City to plant 10,000 trees in bid to cool its hottest streets",
    "Shoppers return to high streets as online sales dip",
    "Cricket club's pavilion destroyed in overnight fire",
    "Doctors trial AI tool to spot skin cancer earlier",
    "Turnout lowest in decades as voters stay at home",
    "Lost dog found 200 miles from home after three weeks",
    "Recycling rates stall as councils struggle with contamination",
    "Festival organisers cancel final day after site floods",
    "Pension age review recommends faster rise to 68",
    "Chef's pop-up restaurant in a shipping container earns rave review",
)

COMMENTS: tuple[str, ...] = (
    "Finally some good news. I've been waiting for this for years, and I'll believe it when I see it actually happen.",
    "Does anyone know if this applies to people who already applied last year? The article doesn't say.",
    "Same story every time. Big announcement, no money behind it, and in two years we'll be reading about the delays.",
    "I live about ten minutes from there and honestly nobody asked us. The consultation was a joke.",
    "Good. About time someone was held accountable.",
    "Where is the money coming from? Genuine question, because my council tax has gone up three years in a row.",
    "This is exactly why local journalism matters. Thanks for covering it properly.",
    "The headline is misleading. If you read to the end, the figures only cover one quarter.",
    (
        "My daughter works in that sector and says it is much worse on the ground than this. Staff are exhausted. "
        "Nobody in charge seems to be listening."
    ),
    "Can we please stop pretending this is a surprise? Everyone saw it coming.",
    "Interesting piece, but it would have been nice to hear from the people actually affected rather than officials.",
    "I remember when this was first proposed back in the nineties. Some things never change.",
    "Not sure why this is front page news. There are bigger problems right now.",
    "Well done to everyone involved. It's nice to read something positive for a change.",
    "So who signed off on this in the first place? That's the question nobody seems willing to answer.",
    "They said the same thing last winter and nothing happened. Forgive me for being sceptical.",
    "I'm torn on this one. The idea is sound, but the timing couldn't be worse for families already struggling.",
    "Anyone else notice the comments were closed on the last article about this?",
    "Would be good to see the full report rather than a summary. Is there a link anywhere?",
    "My grandad used to say you can't fix a roof while it's raining. Seems about right here.",
    "As a nurse I can confirm this is not an exaggeration. We are running on goodwill and it's running out.",
    "The photo caption has the wrong date, by the way.",
    "Brilliant. Now do the same for the bus routes they cut last year.",
    "I'd love to know how many of the people deciding this actually use the service themselves.",
    "Typical. Announce it on a Friday afternoon and hope nobody notices.",
    (
        "This hits small businesses harder than anyone. We're already stretched thin. "
        "Nobody in charge seems to get it. Come and run a shop for a week."
    ),
    "Honestly a sensible decision. Not everything has to be a scandal.",
    "How is this even legal? Surely someone checked before going ahead.",
    "Great reporting. More of this please, and fewer celebrity stories.",
    "The numbers don't add up. If costs went up that much, where did last year's savings go?",
    "We moved away from the area partly because of this. Sad to see it's still going on.",
    "Can someone explain what this means for renters? Everything I read seems aimed at homeowners.",
    "Let's wait for the facts before everyone jumps to conclusions.",
    "I was there when it happened. It was chaos for about an hour and then everyone just carried on.",
    "People forget this was a promise at the last election. I've lost count of the broken ones.",
    "Fair play to the volunteers. They do the work while everyone else argues about it.",
    "The experts quoted here have been wrong before. I'll wait for an independent review.",
    "Is it just me or has this paper become very one-sided on this issue?",
    "Thanks for the update. Any word on when the next public meeting is? I'd like to go along.",
    "Ten years of cuts and now they act surprised. You reap what you sow.",
    "Really sorry to hear about this. Thoughts with the families.",
    "This should have been done properly the first time. Now we pay twice.",
    "Good to see young people getting a chance. The future looks bright.",
    (
        "Whoever wrote the statement in the fourth paragraph clearly hasn't been outside in a while. "
        "Try getting a doctor's appointment round here. Then tell me everything is fine."
    ),
)

REPLIES: tuple[str, ...] = (
    "Agreed, but to be fair the last lot weren't any better.",
    "Not really. If you read the report, it says the opposite.",
    "It's on the council website under planning documents. Took me ages to find it.",
    "Exactly this. Couldn't have put it better.",
    "You clearly haven't been down there recently. It's not as bad as you make out.",
    "Source? I keep hearing this but never see the numbers.",
    "Same here. We waited eight months for an answer.",
    "That's a bit unfair. The staff are doing their best with what they've got.",
    "I asked the same question at the last meeting and got no answer either.",
    "Ha, I thought the same thing when I read it.",
    "Read the article again, it does say that near the end.",
    "Sadly true. Nothing will change until people start voting differently.",
    "Thanks, that's really helpful. I had no idea.",
    "You're missing the point. It's not about the cost, it's about who decided.",
    "My neighbour was affected too. It took them weeks to sort it out.",
    "Both things can be true at once, you know.",
    "Good question. I'd also like to know the answer.",
    "Careful, that's how rumours start. Nobody has confirmed that yet.",
    "I used to think that too until it happened to us.",
    "Not everything is a conspiracy. Sometimes it's just incompetence.",
    "Well said. Some of the replies on here are unbelievable.",
    "It was in the paper last week, they just didn't make a fuss about it.",
)

COMMENTERS: tuple[str, ...] = (
    "Margaret H",
    "dave_from_the_hill",
    "Northern Lass",
    "PeterK",
    "quietobserver",
    "Sam R.",
    "old_timer_54",
    "J. Okafor",
    "Commuter_Chris",
    "LindaB",
    "Tomasz W",
    "fairplease",
    "RiversideResident",
    "Anna-Maria",
    "bikeguy77",
    "Grumpy Gardener",
    "H. Lindqvist",
    "NurseJen",
    "Moss",
    "Priya S",
    "truthseeker2",
    "Bernadette",
    "ex-teacher",
    "MikeTheBuilder",
    "Rosie_G",
    "small_biz_owner",
    "WelshWendy",
    "A. Nonymous",
    "Farmer Joe",
    "K. Mensah",
    "sceptical_sue",
    "Ollie P",
    "Yusuf A.",
    "green_thumbs",
    "ReaderSince1989",
    "Dr Frances Lowe",
)

AUTHORS: tuple[str, ...] = (
    "Helen Marsh",
    "Daniel Okoro",
    "Sofia Brandt",
    "Tom Whitaker",
    "Aisha Rahman",
    "Callum Reid",
    "Nora Lindgren",
    "James Patel",
    "Eleanor Voss",
    "Marcus Bell",
    "Ruth Abernethy",
    "Kenji Mori",
)

AUTHOR_BLURBS: tuple[str, ...] = (
    (
        "{name} has reported on local government, planning and housing for more than a decade, "
        "and still reads every council agenda so you don't have to."
    ),
    (
        "{name} is our environment correspondent, covering rivers, farming, energy and the weather "
        "that seems to get stranger every year."
    ),
    (
        "{name} writes about health and social care, after six years working on hospital wards "
        "before switching to journalism."
    ),
    (
        "{name} covers business and the local economy, from start-ups to factory closures. "
        "Tips are always welcome by email."
    ),
    (
        "{name} edits this blog and writes most of it, usually late at night with a pot of tea. "
        "Opinions are personal and corrections are welcome."
    ),
    (
        "{name} is a former teacher who now writes about education, young people and the places "
        "where the two meet politics."
    ),
    "{name} covers courts and crime and has sat through more trials than is probably healthy.",
    "{name} writes about transport, cycling and why the buses never come when you need them.",
)

COOKIE_NOTICES: tuple[str, ...] = (
    (
        "We use cookies and similar technologies to keep {site} running, remember your preferences, "
        "measure how our pages are used and show you more relevant adverts. You can accept all cookies "
        "or choose which ones we may use."
    ),
    (
        "This site uses cookies. Some are essential to make it work; others help us understand how you use it "
        "so we can improve it. By clicking Accept you agree to our use of cookies as described in our cookie policy."
    ),
    (
        "Your privacy matters to us. We and our partners store and access information on your device to "
        "personalise content and ads, provide social media features and analyse our traffic. "
        "You can change your choices at any time."
    ),
    (
        "{site} and carefully selected third parties use cookies to deliver content, measure audiences and "
        "serve ads. Select Manage options to see the purposes and refuse the ones you do not want."
    ),
    (
        "Cookies help us bring you free journalism. We set essential cookies automatically; with your "
        "permission we would also like to set analytics and advertising cookies."
    ),
)

NEWSLETTER_PITCHES: tuple[tuple[str, str], ...] = (
    (
        "Get the morning briefing",
        (
            "The day's top stories, explained in five minutes and sent straight to your inbox before breakfast. "
            "Free, every weekday."
        ),
    ),
    (
        "Sign up to our newsletter",
        (
            "Don't miss a thing. Get the biggest headlines, the best reads and the stories everyone is "
            "talking about, delivered every evening."
        ),
    ),
    (
        "The weekend read",
        (
            "Our editors pick the week's most interesting long reads, interviews and investigations, "
            "delivered on Saturday mornings."
        ),
    ),
    (
        "Breaking news alerts",
        (
            "Be the first to know when big stories break. We'll only email you when it really matters, "
            "and you can unsubscribe at any time."
        ),
    ),
    (
        "Local news, first",
        (
            "Everything happening in your area: planning decisions, school news, road closures and what's on "
            "this weekend. Sign up for free."
        ),
    ),
    (
        "Money matters",
        "Practical tips on bills, savings and pensions from our personal finance team, every Wednesday.",
    ),
)

NEWSLETTER_SMALL_PRINT: tuple[str, ...] = (
    "By signing up you agree to our privacy policy. We will never share your email address.",
    "You can unsubscribe at any time using the link at the bottom of every email.",
    "Newsletters may contain information about charities, online ads and content funded by outside parties.",
)

FOOTER_LINKS: tuple[str, ...] = (
    "About us",
    "Contact us",
    "Careers",
    "Advertise with us",
    "Terms of use",
    "Privacy policy",
    "Cookie policy",
    "Cookie settings",
    "Accessibility",
    "Complaints",
    "Corrections",
    "Editorial standards",
    "Help centre",
    "Site map",
    "RSS feeds",
    "Newsletters",
    "Subscribe",
    "Manage subscription",
    "Syndication and licensing",
    "Archive",
    "Our apps",
    "Modern slavery statement",
    "Do not sell my information",
    "Work for us",
    "Press office",
    "Send us a tip",
    "Community guidelines",
    "Events and offers",
)

SITE_BLURBS: tuple[str, ...] = (
    (
        "{site} is an independent newsroom covering the stories that matter to our readers, from the council "
        "chamber to the courts. Our journalism is funded by subscribers and advertisers."
    ),
    (
        "Founded by local reporters, {site} publishes news, analysis and opinion every day of the year. "
        "Got a story? Our newsroom would like to hear from you."
    ),
    (
        "{site} follows a published code of editorial practice. If you think we have got something wrong, "
        "please contact the readers' editor."
    ),
    (
        "Reporting you can trust, delivered every morning. {site} is part of a group of regional titles "
        "and is regulated by an independent press standards body."
    ),
)

CAPTIONS: tuple[str, ...] = (
    "The scene earlier this week. Photograph: staff photographer",
    "Residents gathered outside the building on Monday evening.",
    "File picture. The site has been the subject of debate for several years.",
    "Officials say a decision is expected later this year. Image: handout",
    "The area pictured from the air last spring.",
    "Campaigners have been calling for change for months. Photograph: agency",
)

TAGS: tuple[str, ...] = (
    "Local government",
    "Transport",
    "Housing",
    "Health",
    "Education",
    "Weather",
    "Crime",
    "Courts",
    "Environment",
    "Energy",
    "Economy",
    "Jobs",
    "Farming",
    "Wildlife",
    "Football",
    "Cricket",
    "Tennis",
    "Arts",
    "Music",
    "Film",
    "Books",
    "Science",
    "Space",
    "Technology",
    "Privacy",
    "Retail",
    "Tourism",
    "Heritage",
    "Elections",
    "Parliament",
    "Climate change",
    "Flooding",
    "Rail",
    "Cycling",
    "Charity",
    "Schools",
    "Universities",
    "Hospitals",
    "Pensions",
    "Food and drink",
)

BLOG_TAGLINES: tuple[str, ...] = (
    "Notes on local life, politics and everything in between",
    "Independent commentary since 2009",
    "Small-town news with a long memory",
    "Reporting, reflections and the odd rant",
    "Stories from the valley and beyond",
)

BLOG_CATEGORIES: tuple[str, ...] = (
    "Local news",
    "Politics",
    "Opinion",
    "Environment",
    "Transport",
    "Community",
    "History",
    "Sport",
    "Food",
    "Photography",
    "Interviews",
    "Uncategorized",
)

INLINE_PROMOS: tuple[str, ...] = ("Read more:", "Related:", "Also read:", "See also:", "You might like:")

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


# --------------------------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def _words(text: str) -> int:
    return len(text.split())


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


class _Deck:
    """Headlines for the page's lists: the caller's (other stories) interleaved with the module's own,
    never the page's own title, and no headline twice until the deck runs out."""

    def __init__(self, rng: random.Random, given: Sequence[str], title: str) -> None:
        self._rng = rng
        self._title = title.strip()
        theirs = [h for h in dict.fromkeys(h.strip() for h in given) if h and h != self._title]
        rng.shuffle(theirs)
        own = self._own()
        self._items: list[str] = []
        while theirs or own:
            if theirs:
                self._items.append(theirs.pop())
            if own:
                self._items.append(own.pop())

    def _own(self) -> list[str]:
        own = [h for h in HEADLINES if h != self._title]
        self._rng.shuffle(own)
        return own

    def take(self, k: int) -> list[str]:
        out: list[str] = []
        while len(out) < k:
            if not self._items:
                self._items = self._own()
            out.append(self._items.pop(0))
        return out


@dataclass
class _Comment:
    author: str
    posted: datetime
    age: int  # minutes before the page was fetched
    text: str
    likes: int
    replies: list[_Comment] = field(default_factory=list)


@dataclass
class _Ctx:
    rng: random.Random
    site: str
    title: str
    paragraphs: list[str]
    deck: _Deck
    day: date
    hour: int
    minute: int
    author: str
    section: str
    domain: str

    # -- small builders shared by the templates --------------------------------------------

    @property
    def url(self) -> str:
        return f"https://{self.domain}/{_slug(self.section)}/{self.day:%Y/%m/%d}/{_slug(self.title)}"

    def long_date(self) -> str:
        d = self.day
        return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"

    def iso(self) -> str:
        return f"{self.day.isoformat()}T{self.hour:02d}:{self.minute:02d}:00Z"

    def href(self, headline: str) -> str:
        section = _slug(self.rng.choice(SECTIONS))
        return _esc(f"/{section}/{self.day:%Y/%m}/{_slug(headline)}-{self.rng.randint(10000, 99999)}")

    def link(self, headline: str, cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f'<a{attr} href="{self.href(headline)}">{_esc(headline)}</a>'

    def headline_items(self, k: int, cls: str = "") -> list[str]:
        return [f"<li>{self.link(h, cls)}</li>" for h in self.deck.take(k)]

    def menu(self, k: int) -> list[str]:
        return ["News", *self.rng.sample([s for s in SECTIONS if s != "News"], k - 1)]

    def menu_items(self, k: int) -> list[str]:
        return [f'<li><a href="/{_slug(s)}/">{_esc(s)}</a></li>' for s in self.menu(k)]

    def footer_items(self, k: int) -> list[str]:
        return [f'<li><a href="/{_slug(s)}">{_esc(s)}</a></li>' for s in self.rng.sample(FOOTER_LINKS, k)]

    def cookie(self) -> str:
        return _esc(self.rng.choice(COOKIE_NOTICES).format(site=self.site))

    def newsletter(self) -> tuple[str, str, str]:
        head, pitch = self.rng.choice(NEWSLETTER_PITCHES)
        return _esc(head), _esc(pitch), _esc(self.rng.choice(NEWSLETTER_SMALL_PRINT))

    def blurb(self) -> str:
        return _esc(self.rng.choice(SITE_BLURBS).format(site=self.site))

    def copyright(self) -> str:
        return f"&copy; {self.day.year} {_esc(self.site)}. All rights reserved."

    def tags(self, k: int) -> list[str]:
        return self.rng.sample(TAGS, k)

    def published(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, self.hour, self.minute)

    def thread(self, n: int, max_depth: int, budget: int, reply_share: float = 0.4) -> list[_Comment]:
        """`n` comments in posting order, some of them replies (nested up to `max_depth`, sometimes
        answered by the commenter they reply to); once the texts reach `budget` words, further
        comments keep only their first sentence."""
        rng = self.rng
        tops = list(COMMENTS)
        answers = list(REPLIES)
        names = list(COMMENTERS)
        rng.shuffle(tops)
        rng.shuffle(answers)
        rng.shuffle(names)
        span = rng.randint(120, 3 * 24 * 60)  # minutes from publication to the reader's visit
        offsets = sorted(rng.sample(range(3, span), n))
        roots: list[_Comment] = []
        nodes: list[tuple[_Comment, int, _Comment | None]] = []
        used = 0
        for i, offset in enumerate(offsets):
            open_nodes = [node for node in nodes if node[1] < max_depth]
            parent: _Comment | None = None
            author = names[i % len(names)]
            if i and open_nodes and rng.random() < reply_share:
                parent, depth, grandparent = rng.choice(open_nodes)
                text = answers.pop() if answers else tops.pop()
                if grandparent is not None and grandparent.author != parent.author and rng.random() < 0.3:
                    author = grandparent.author  # the first commenter answers back
                if rng.random() < 0.4:
                    text = f"@{parent.author} {text}"
            else:
                depth = -1
                text = tops.pop() if tops else answers.pop()
            if used + _words(text) > budget:
                text = _SENTENCE_END.split(text)[0]
            used += _words(text)
            posted = self.published() + timedelta(minutes=offset)
            comment = _Comment(author, posted, span - offset, text, rng.choice((0, 0, 1, 2, 3, 5, 12)))
            if parent is None:
                roots.append(comment)
            else:
                parent.replies.append(comment)
            nodes.append((comment, depth + 1, parent))
        return roots

    def meta(self) -> list[str]:
        """The `<head>` lines every template shares (title, meta, canonical link), without charset."""
        description = self.paragraphs[0][:155] if self.paragraphs else self.title
        return [
            f"<title>{_esc(self.title)} | {_esc(self.site)}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="description" content="{_esc(description)}">',
            f'<meta property="og:title" content="{_esc(self.title)}">',
            f'<meta property="og:site_name" content="{_esc(self.site)}">',
            '<meta property="og:type" content="article">',
            f'<meta name="author" content="{_esc(self.author)}">',
            f'<link rel="canonical" href="{_esc(self.url)}">',
        ]

    def json_ld(self) -> str:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "datePublished": self.iso(),
            "author": {"@type": "Person", "name": self.author},
            "publisher": {"@type": "Organization", "name": self.site},
            "articleSection": self.section,
            "mainEntityOfPage": self.url,
        }
        return f'<script type="application/ld+json">{_json(ld)}</script>'

    def head(self, css: str) -> list[str]:
        """A plain page's `<head>` content: meta, style, JSON-LD and the analytics and ad scripts."""
        page = _json({"section": _slug(self.section), "author": _slug(self.author), "words": self.story_words()})
        return [
            '<meta charset="utf-8">',
            *self.meta(),
            f"<style>{css}</style>",
            self.json_ld(),
            (
                f"<script>window.__pv = window.__pv || []; window.__pv.push({page}); "
                "document.documentElement.className += ' js';</script>"
            ),
            f'<script async src="https://ads.{self.domain}/loader.js"></script>',
        ]

    def story_words(self) -> int:
        return sum(_words(p) for p in self.paragraphs)


def _json(value: object) -> str:
    """JSON for a `<script>` element: no `<` so that no `</script>` or tag name can appear in it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _story_date(rng: random.Random) -> tuple[date, int, int]:
    return date(2023, 1, 2) + timedelta(days=rng.randrange(1000)), rng.randint(6, 22), rng.randint(0, 59)


def _domain(site: str) -> str:
    return (re.sub(r"[^a-z0-9]+", "", site.lower()) or "news") + ".example"


def _byline_time(c: _Ctx) -> str:
    return f'<time datetime="{c.iso()}">{c.long_date()}, {c.hour:02d}:{c.minute:02d}</time>'


# --------------------------------------------------------------------------------------------
# Templates.
# --------------------------------------------------------------------------------------------

_DIV_CSS = (
    "body{margin:0;font:16px/1.5 Georgia,serif}.hdr{background:#102a43;color:#fff}"
    ".menu ul{list-style:none;display:flex;flex-wrap:wrap}.menu li{margin:0 8px}.headline{font-size:2em}"
    ".col-main{float:left;width:66%}.col-side{float:right;width:30%}.cookie{position:fixed;bottom:0}"
    ".ftr{clear:both;background:#eee}"
)


def _div_only(c: _Ctx) -> str:
    rng = c.rng
    use_p = rng.random() < 0.5
    story: list[str] = []
    ad_after = rng.randint(1, 3)
    promo_after = rng.randint(2, 5)
    for i, para in enumerate(c.paragraphs, 1):
        story.append(f"<p>{_esc(para)}</p>" if use_p else f"<div>{_esc(para)}</div>")
        if i == ad_after and i < len(c.paragraphs):
            story.append(
                '<div class="ad-slot"><span class="ad-label">Advertisement</span><div id="ad-mid"></div></div>'
            )
        if i == promo_after and i < len(c.paragraphs):
            story.append(
                f'<div class="inline-rel"><b>{rng.choice(INLINE_PROMOS)}</b> {c.link(c.deck.take(1)[0])}</div>'
            )
    nl_head, nl_pitch, nl_small = c.newsletter()
    links = c.footer_items(len(FOOTER_LINKS))
    footer_cols = []
    for i, heading in enumerate(rng.sample(("Company", "Help", "Legal", "More from us", "Your account"), 3)):
        column = links[i * 8 : i * 8 + rng.randint(5, 8)]
        footer_cols.append(f'<div class="ftr-col"><div class="ftr-h">{heading}</div><ul>{"".join(column)}</ul></div>')
    tags = "".join(f'<a class="tag" href="/topic/{_slug(t)}">{_esc(t)}</a> ' for t in c.tags(rng.randint(3, 6)))
    parts = [
        '<body class="pg article-page">',
        '<div id="wrap">',
        (
            f'<div class="topbar"><span class="today">{c.long_date()}</span> '
            '<a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a> <a href="/epaper">Today\'s paper</a></div>'
        ),
        f'<div class="hdr"><div class="logo"><a href="/">{_esc(c.site)}</a></div>',
        f'<div class="menu"><ul>{"".join(c.menu_items(rng.randint(15, 30)))}</ul></div></div>',
        (
            f'<div class="crumbs"><a href="/">Home</a> <span>&rsaquo;</span> '
            f'<a href="/{_slug(c.section)}/">{_esc(c.section)}</a></div>'
        ),
        '<div class="content"><div class="col-main">',
        f'<div class="headline">{_esc(c.title)}</div>',
        (
            f'<div class="meta"><span class="by">By {_esc(c.author)}</span> '
            f'<span class="dt">{c.long_date()}, {c.hour:02d}:{c.minute:02d}</span></div>'
        ),
        (
            '<div class="share"><span>Share this story:</span> <a href="#fb">Facebook</a> <a href="#x">X</a> '
            '<a href="#wa">WhatsApp</a> <a href="#mail">Email</a></div>'
        ),
        f'<div class="txt">{"".join(story)}</div>',
        f'<div class="tags"><span>Topics:</span> {tags}</div>',
        '<div class="related"><div class="bx-title">Related stories</div>',
        f"<ul>{''.join(c.headline_items(rng.randint(4, 6)))}</ul></div>",
        f'<div class="more-sec"><div class="bx-title">More from {_esc(c.section)}</div>',
        f"<ul>{''.join(c.headline_items(rng.randint(3, 5)))}</ul></div>",
        "</div>",
        '<div class="col-side">',
        '<div class="trending"><div class="bx-title">Trending now</div>',
        f"<ol>{''.join(c.headline_items(rng.randint(5, 8)))}</ol></div>",
        f'<div class="nl-box"><div class="nl-h">{nl_head}</div><div class="nl-p">{nl_pitch}</div>',
        (
            '<form action="/newsletter" method="post">'
            '<input type="email" name="email" placeholder="Your email address">'
            f'<button type="submit">Sign up</button></form><div class="nl-small">{nl_small}</div></div>'
        ),
        '<div class="ad-box"><span class="ad-label">Advertisement</span></div>',
        '<div class="picks"><div class="bx-title">Editor\'s picks</div>',
        f"<ul>{''.join(c.headline_items(rng.randint(3, 5)))}</ul></div>",
        "</div></div>",
        (
            f'<div class="cookie" id="cookie-notice"><span>{c.cookie()}</span> '
            '<a class="btn" href="#accept">Accept all</a> <a class="btn" href="#manage">Manage options</a></div>'
        ),
        f'<div class="ftr"><div class="ftr-logo">{_esc(c.site)}</div><div class="ftr-about">{c.blurb()}</div>',
        f'<div class="ftr-cols">{"".join(footer_cols)}</div>',
        f'<div class="copy">{c.copyright()}</div></div>',
        "</div>",
        "</body>",
    ]
    return _document(c, _DIV_CSS, parts)


_SEMANTIC_CSS = (
    "body{margin:0;font-family:system-ui,sans-serif}header{border-bottom:1px solid #ccc}"
    "nav ul{display:flex;gap:1rem;list-style:none}main{display:grid;grid-template-columns:2fr 1fr;gap:2rem}"
    "article h1{font-size:2.4rem}aside ol{padding-left:1.2rem}footer{background:#111;color:#ddd}"
    ".cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#fff}"
)


def _semantic(c: _Ctx) -> str:
    rng = c.rng
    story: list[str] = []
    promo_after = rng.randint(2, 4)
    for i, para in enumerate(c.paragraphs, 1):
        story.append(f"<p>{_esc(para)}</p>")
        if i == promo_after and i < len(c.paragraphs):
            story.append(
                f'<aside class="inline-related"><strong>{rng.choice(INLINE_PROMOS)}</strong> '
                f"{c.link(c.deck.take(1)[0])}</aside>"
            )
    nl_head, nl_pitch, nl_small = c.newsletter()
    topics = "".join(f'<li><a href="/topic/{_slug(t)}">{_esc(t)}</a></li>' for t in c.tags(rng.randint(3, 5)))
    parts = [
        "<body>",
        '<a class="skip" href="#content">Skip to main content</a>',
        "<header>",
        f'<a class="logo" href="/">{_esc(c.site)}</a>',
        '<p class="edition">Edition: <a href="/local">Local</a> | <a href="/national">National</a></p>',
        '<ul class="account"><li><a href="/subscribe">Subscribe</a></li><li><a href="/login">Sign in</a></li></ul>',
        f'<nav aria-label="Sections"><ul>{"".join(c.menu_items(rng.randint(12, 22)))}</ul></nav>',
        "</header>",
        '<main id="content">',
        "<article>",
        "<header>",
        f'<p class="kicker"><a href="/{_slug(c.section)}/">{_esc(c.section)}</a></p>',
        f"<h1>{_esc(c.title)}</h1>",
        f'<p class="byline">By <a rel="author" href="/profile/{_slug(c.author)}">{_esc(c.author)}</a></p>',
        _byline_time(c),
        "</header>",
        (
            f'<figure><img src="/img/{rng.randint(100000, 999999)}.jpg" alt="" width="1200" height="675">'
            f"<figcaption>{_esc(rng.choice(CAPTIONS))}</figcaption></figure>"
        ),
        *story,
        "<footer>",
        f'<p class="topics-h">Topics</p><ul class="topics">{topics}</ul>',
        (
            '<p class="share">Share: <a href="#fb">Facebook</a> <a href="#x">X</a> <a href="#mail">Email</a> '
            '<a href="#copy">Copy link</a></p>'
        ),
        '<p class="corrections">Spotted a mistake? <a href="/corrections">Tell our corrections team</a>.</p>',
        "</footer>",
        "</article>",
        '<section class="more-on"><h2>More on this story</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(3, 5)))}</ul></section>",
        '<aside class="rail">',
        '<section class="most-read"><h2>Most read</h2>',
        f"<ol>{''.join(c.headline_items(rng.randint(6, 10)))}</ol></section>",
        f'<section class="newsletter"><h2>{nl_head}</h2><p>{nl_pitch}</p>',
        (
            '<form action="/newsletter"><label>Email address <input type="email" name="email"></label>'
            f'<button>Sign up</button></form><p class="small">{nl_small}</p></section>'
        ),
        f'<section class="section-more"><h2>More from {_esc(c.section)}</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(3, 5)))}</ul></section>",
        '<section class="listen"><h2>Listen</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(2, 3)))}</ul></section>",
        "</aside>",
        "</main>",
        "<footer>",
        f'<p class="about">{c.blurb()}</p>',
        f'<nav aria-label="Footer"><ul>{"".join(c.footer_items(rng.randint(12, 20)))}</ul></nav>',
        f"<p>{c.copyright()}</p>",
        "</footer>",
        (
            f'<div class="cookie-banner" role="dialog" aria-label="Cookie consent"><p>{c.cookie()}</p>'
            '<button>Accept all</button> <button>Reject all</button> <a href="/cookies">Manage options</a></div>'
        ),
        "</body>",
    ]
    return _document(c, _SEMANTIC_CSS, parts)


_BLOG_CSS = (
    "body{font:17px/1.6 'Palatino Linotype',serif;color:#222}.site-header{text-align:center}"
    ".site{display:flex}.content-area{flex:3}.widget-area{flex:1}.tagcloud a{margin-right:.4em}"
    ".comment-list{list-style:none}.comment .children{margin-left:2em}"
)


def _blog_comment(com: _Comment, number: list[int]) -> list[str]:
    number[0] += 1
    t = com.posted
    clock = f"{(t.hour - 1) % 12 + 1}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"
    stamp = f"{MONTHS[t.month - 1]} {t.day}, {t.year} at {clock}"
    out = [
        f'<li class="comment" id="comment-{number[0]}">',
        (
            f'<div class="comment-author"><img class="avatar" src="/avatars/{_slug(com.author)}.png" alt="" width="40">'
            f'<b class="fn">{_esc(com.author)}</b> <span class="says">says:</span></div>'
        ),
        f'<div class="comment-meta"><a href="#comment-{number[0]}"><time>{stamp}</time></a></div>',
        f'<div class="comment-content"><p>{_esc(com.text)}</p></div>',
        '<div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div>',
    ]
    if com.replies:
        out.append('<ol class="children">')
        for reply in com.replies:
            out.extend(_blog_comment(reply, number))
        out.append("</ol>")
    out.append("</li>")
    return out


def _blog(c: _Ctx) -> str:
    rng = c.rng
    n_comments = rng.randint(3, 10)
    thread = c.thread(n_comments, max_depth=2, budget=260, reply_share=0.3)
    comment_html: list[str] = []
    number = [0]
    for com in thread:
        comment_html.extend(_blog_comment(com, number))
    category = rng.choice(BLOG_CATEGORIES)
    cats = rng.sample(BLOG_CATEGORIES, rng.randint(7, 11))
    cat_items = "".join(f'<li><a href="/category/{_slug(x)}/">{_esc(x)}</a> ({rng.randint(2, 140)})</li>' for x in cats)
    months = []
    y, m = c.day.year, c.day.month
    for _ in range(rng.randint(10, 14)):
        months.append(f'<li><a href="/{y}/{m:02d}/">{MONTHS[m - 1]} {y}</a></li>')
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    cloud = "".join(
        f'<a href="/tag/{_slug(t)}/" style="font-size:{rng.randint(8, 22)}pt">{_esc(t)}</a> '
        for t in c.tags(rng.randint(14, 22))
    )
    blurb = _esc(rng.choice(AUTHOR_BLURBS).format(name=c.author))
    post_tags = ", ".join(f'<a href="/tag/{_slug(t)}/" rel="tag">{_esc(t)}</a>' for t in c.tags(rng.randint(2, 4)))
    menu = ["Home", "About", *rng.sample(BLOG_CATEGORIES[:10], rng.randint(3, 6)), "Archive", "Contact"]
    menu_items = "".join(f'<li class="menu-item"><a href="/{_slug(x)}/">{_esc(x)}</a></li>' for x in menu)
    prev_next = c.deck.take(2)
    parts = [
        '<body class="single single-post">',
        '<div id="page" class="site-wrap">',
        '<header id="masthead" class="site-header">',
        f'<p class="site-title"><a href="/" rel="home">{_esc(c.site)}</a></p>',
        f'<p class="site-description">{_esc(rng.choice(BLOG_TAGLINES))}</p>',
        f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu">{menu_items}</ul></nav>',
        "</header>",
        '<div id="content" class="site">',
        '<div id="primary" class="content-area"><main id="main" class="site-main">',
        f'<article id="post-{rng.randint(100, 9999)}" class="post type-post status-publish">',
        '<header class="entry-header">',
        f'<h2 class="entry-title">{_esc(c.title)}</h2>',
        (
            f'<div class="entry-meta">Posted on {_byline_time(c)} by <span class="author vcard">'
            f'<a href="/author/{_slug(c.author)}/">{_esc(c.author)}</a></span> in '
            f'<a href="/category/{_slug(category)}/" rel="category">{_esc(category)}</a></div>'
        ),
        "</header>",
        '<div class="entry-content">',
        *(f"<p>{_esc(p)}</p>" for p in c.paragraphs),
        "</div>",
        (
            f'<footer class="entry-footer"><span class="tags-links">Tagged {post_tags}</span> '
            f'<span class="comments-link"><a href="#comments">{number[0]} Comments</a></span></footer>'
        ),
        "</article>",
        (
            '<nav class="post-navigation"><div class="nav-previous">Previous post: '
            f"{c.link(prev_next[0])}</div>"
            f'<div class="nav-next">Next post: {c.link(prev_next[1])}</div></nav>'
        ),
        '<div id="comments" class="comments-area">',
        f'<h3 class="comments-title">{number[0]} thoughts on &ldquo;{_esc(c.title)}&rdquo;</h3>',
        '<ol class="comment-list">',
        *comment_html,
        "</ol>",
        '<div id="respond" class="comment-respond"><h3>Leave a Reply</h3>',
        (
            '<form action="/comments" method="post"><p class="comment-notes">Your email address will not be published. '
            "Required fields are marked *</p>"
        ),
        '<p><label for="comment">Comment *</label><textarea id="comment" name="comment"></textarea></p>',
        '<p><label for="author">Name *</label><input id="author" name="author"></p>',
        '<p><label for="email">Email *</label><input id="email" name="email"></p>',
        (
            '<p><input type="checkbox" id="remember"> <label for="remember">Save my name and email in this browser '
            "for the next time I comment.</label></p>"
        ),
        '<p><input type="submit" value="Post Comment"></p></form></div>',
        "</div>",
        "</main></div>",
        '<aside id="secondary" class="widget-area">',
        (
            '<section class="widget widget_search"><form action="/"><label>Search for: <input type="search" name="s">'
            "</label><button>Search</button></form></section>"
        ),
        f'<section class="widget widget_about"><h2 class="widget-title">About the author</h2><p>{blurb}</p></section>',
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(4, 6)))}</ul></section>",
        '<section class="widget widget_categories"><h2 class="widget-title">Categories</h2>',
        f"<ul>{cat_items}</ul></section>",
        '<section class="widget widget_archive"><h2 class="widget-title">Archives</h2>',
        f"<ul>{''.join(months)}</ul></section>",
        (
            '<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2>'
            f'<div class="tagcloud">{cloud}</div>'
            "</section>"
        ),
        "</aside>",
        "</div>",
        '<footer id="colophon" class="site-footer">',
        (
            f'<div class="site-info">{c.copyright()} <span class="sep"> | </span>'
            f'Designed and built by the {_esc(c.site)} team. <a href="/privacy">Privacy policy</a></div>'
        ),
        "</footer>",
        (
            f'<div id="cookie-law-info-bar"><span>{c.cookie()}</span> <a href="#ok">OK</a> '
            '<a href="/cookies">Read more</a></div>'
        ),
        "</div>",
        "</body>",
    ]
    return _document(c, _BLOG_CSS, parts)


_AMP_BOILERPLATE = (
    "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;"
    "animation:-amp-start 8s steps(1,end) 0s 1 normal both}@keyframes -amp-start{from{visibility:hidden}"
    "to{visibility:visible}}</style><noscript><style amp-boilerplate>body{-webkit-animation:none;"
    "animation:none}</style></noscript>"
)
_AMP_CSS = (
    "body{font-family:Helvetica,Arial,sans-serif;margin:0}.bar{display:flex;align-items:center;padding:8px}"
    "amp-sidebar{width:260px;background:#fff}.story h1{font-size:1.8rem}.readmore li{margin:.5em 0}"
    ".ftr{background:#222;color:#eee;padding:1rem}"
)


def _amp(c: _Ctx) -> str:
    rng = c.rng
    marker = rng.choice(("amp", "\u26a1"))
    analytics = _json(
        {
            "vars": {"account": f"UA-{rng.randint(1000000, 9999999)}-1"},
            "triggers": {"trackPageview": {"on": "visible", "request": "pageview"}},
        }
    )
    nl_head, nl_pitch, nl_small = c.newsletter()
    shares = "".join(
        f'<amp-social-share type="{kind}" width="40" height="40"></amp-social-share>'
        for kind in ("facebook", "twitter", "whatsapp", "email")
    )
    topics = " ".join(f'<a href="/topic/{_slug(t)}">{_esc(t)}</a>' for t in c.tags(rng.randint(3, 5)))
    head = [
        '<meta charset="utf-8">',
        '<script async src="https://cdn.ampproject.org/v0.js"></script>',
        *(
            f'<script async custom-element="{el}" src="https://cdn.ampproject.org/v0/{el}-0.1.js"></script>'
            for el in ("amp-sidebar", "amp-analytics", "amp-social-share", "amp-user-notification")
        ),
        *c.meta(),
        _AMP_BOILERPLATE,
        f"<style amp-custom>{_AMP_CSS}</style>",
        c.json_ld(),
    ]
    parts = [
        "<body>",
        f'<amp-analytics type="googleanalytics"><script type="application/json">{analytics}</script></amp-analytics>',
        '<amp-sidebar id="sidebar" layout="nodisplay" side="left">',
        '<button on="tap:sidebar.close" class="close">Close menu</button>',
        f'<ul class="side-menu">{"".join(c.menu_items(rng.randint(15, 25)))}</ul>',
        f'<ul class="side-extra">{"".join(c.footer_items(rng.randint(4, 6)))}</ul>',
        "</amp-sidebar>",
        '<div class="bar"><button on="tap:sidebar.toggle" class="hamburger">&#9776; Menu</button>',
        (
            f'<a class="logo" href="/"><amp-img src="/logo.png" width="160" height="32" alt="{_esc(c.site)}"></amp-img>'
            f"<span>{_esc(c.site)}</span></a></div>"
        ),
        (
            f'<amp-user-notification id="consent" layout="nodisplay"><p>{c.cookie()}</p>'
            '<button on="tap:consent.dismiss">I agree</button> <a href="/cookies">Cookie policy</a>'
            "</amp-user-notification>"
        ),
        '<article class="story">',
        f'<p class="section"><a href="/{_slug(c.section)}/">{_esc(c.section)}</a></p>',
        f"<h1>{_esc(c.title)}</h1>",
        f'<p class="byline">By {_esc(c.author)} &middot; {_byline_time(c)}</p>',
        (
            f'<figure><amp-img src="/img/{rng.randint(100000, 999999)}.jpg" width="1200" height="675" '
            'layout="responsive" '
            f'alt=""></amp-img><figcaption>{_esc(rng.choice(CAPTIONS))}</figcaption></figure>'
        ),
        *(f"<p>{_esc(p)}</p>" for p in c.paragraphs),
        f'<div class="share">{shares}</div>',
        f'<p class="topics">Topics: {topics}</p>',
        "</article>",
        '<div class="readmore"><h2>Read more</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(6, 10)))}</ul></div>",
        '<div class="popular"><h2>Most popular</h2>',
        f"<ol>{''.join(c.headline_items(rng.randint(4, 6)))}</ol></div>",
        '<div class="latest"><h2>Latest news</h2>',
        f"<ul>{''.join(c.headline_items(rng.randint(4, 6)))}</ul></div>",
        (
            f'<div class="nl"><h2>{nl_head}</h2><p>{nl_pitch}</p><a class="btn" href="/newsletters">Sign up</a>'
            f'<p class="small">{nl_small}</p></div>'
        ),
        f'<div class="ftr"><p>{c.blurb()}</p><ul>{"".join(c.footer_items(rng.randint(8, 14)))}</ul>',
        f'<p><a href="{_esc(c.url)}">View full site</a></p><p>{c.copyright()}</p></div>',
        "</body>",
    ]
    return "\n".join(
        ["<!DOCTYPE html>", f'<html {marker} lang="en">', "<head>", *head, "</head>", *parts, "</html>", ""]
    )


_COMMENTS_CSS = (
    "body{margin:0;font:15px/1.5 Verdana,sans-serif}.masthead{background:#7a0019;color:#fff}"
    ".comment{border-left:2px solid #ddd;padding-left:10px;margin:10px 0}.c-replies{margin-left:24px}"
    ".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}"
)


def _relative(com: _Comment) -> str:
    if com.age < 60:
        return f"{com.age} minute{'s' if com.age != 1 else ''} ago"
    if com.age < 24 * 60:
        hours = com.age // 60
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    t = com.posted
    return f"{t.day} {MONTHS[t.month - 1]} {t.year} at {t.hour:02d}:{t.minute:02d}"


def _comment_html(com: _Comment, counter: list[int], depth: int) -> list[str]:
    counter[0] += 1
    likes = f"{com.likes} like{'s' if com.likes != 1 else ''}" if com.likes else "Like"
    out = [
        f'<div class="comment depth-{depth}" id="c{counter[0]}">',
        (
            f'<div class="c-head"><span class="c-author">{_esc(com.author)}</span> '
            f'<span class="c-time">{_relative(com)}</span></div>'
        ),
        f'<div class="c-body">{_esc(com.text)}</div>',
        f'<div class="c-actions"><a href="#reply-{counter[0]}">Reply</a> <span class="c-likes">{likes}</span></div>',
    ]
    if com.replies:
        out.append('<div class="c-replies">')
        for reply in com.replies:
            out.extend(_comment_html(reply, counter, depth + 1))
        out.append("</div>")
    out.append("</div>")
    return out


def _comments(c: _Ctx) -> str:
    rng = c.rng
    n_comments = rng.randint(10, 25)
    thread = c.thread(n_comments, max_depth=3, budget=250, reply_share=0.45)
    counter = [0]
    comment_html: list[str] = []
    for com in thread:
        comment_html.extend(_comment_html(com, counter, 0))
    grid = []
    for h in c.deck.take(rng.randint(6, 8)):
        grid.append(
            f'<div class="card"><div class="card-img" data-src="/img/{rng.randint(1000, 9999)}.jpg"></div>'
            f'<span class="card-sec">{_esc(rng.choice(SECTIONS))}</span>{c.link(h, "card-title")}</div>'
        )
    story: list[str] = []
    promo_after = rng.randint(2, 4)
    for i, para in enumerate(c.paragraphs, 1):
        story.append(f"<p>{_esc(para)}</p>")
        if i == promo_after and i < len(c.paragraphs):
            story.append(
                f'<p class="promo"><strong>{rng.choice(INLINE_PROMOS)}</strong> {c.link(c.deck.take(1)[0])}</p>'
            )
    sort_label = rng.choice(("Newest first", "Oldest first", "Most liked"))
    parts = [
        "<body>",
        '<header class="masthead">',
        f'<div class="brand"><a href="/">{_esc(c.site)}</a></div>',
        f"<nav><ul>{''.join(c.menu_items(rng.randint(10, 18)))}</ul></nav>",
        "</header>",
        '<div class="page">',
        '<article class="story">',
        f"<h1>{_esc(c.title)}</h1>",
        f'<div class="byline">{_esc(c.author)}, {_esc(c.section)} reporter &middot; {_byline_time(c)}</div>',
        *story,
        "</article>",
        '<div class="read-more"><h3>Read more</h3>',
        f"<ul>{''.join(c.headline_items(rng.randint(6, 10)))}</ul></div>",
        '<div id="comments" class="comments">',
        (
            f'<div class="c-bar"><h3>Comments ({counter[0]})</h3> <span>Sort by: {sort_label}</span> '
            '<a href="/community-guidelines">Community guidelines</a></div>'
        ),
        '<div class="c-new"><textarea placeholder="Join the discussion..."></textarea><button>Post</button></div>',
        *comment_html,
        '<a class="c-more" href="#comments-page-2">Load more comments</a>',
        "</div>",
        '<div class="also-like"><h3>You may also like</h3>',
        f'<div class="grid">{"".join(grid)}</div></div>',
        "</div>",
        "<footer>",
        f'<ul class="links">{"".join(c.footer_items(rng.randint(8, 14)))}</ul>',
        f'<p class="copy">{c.copyright()}</p>',
        "</footer>",
        f'<div class="consent"><p>{c.cookie()}</p><button>Accept</button> <button>Settings</button></div>',
        "</body>",
    ]
    return _document(c, _COMMENTS_CSS, parts)


def _document(c: _Ctx, css: str, body: Sequence[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", *c.head(css), "</head>", *body, "</html>", ""])


_RENDERERS: dict[str, Callable[[_Ctx], str]] = {
    "div-only": _div_only,
    "semantic": _semantic,
    "blog": _blog,
    "amp": _amp,
    "comments": _comments,
}


def render_page(
    template: str,
    *,
    title: str,
    body: str,
    site: str,
    rng: random.Random,
    headlines: Sequence[str] = (),
) -> str:
    """A whole HTML page of `site` in `template` carrying the story `title` / `body`
    (paragraphs separated by blank lines). `headlines` are other stories' titles used in
    the related / trending / read-more lists (mixed with the module's own)."""
    renderer = _RENDERERS.get(template)
    if renderer is None:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(TEMPLATES)}")
    day, hour, minute = _story_date(rng)
    ctx = _Ctx(
        rng=rng,
        site=site,
        title=title,
        paragraphs=_paragraphs(body),
        deck=_Deck(rng, headlines, title),
        day=day,
        hour=hour,
        minute=minute,
        author=rng.choice(AUTHORS),
        section=rng.choice([s for s in SECTIONS if s not in ("Video", "Podcasts", "Puzzles", "Newsletters", "Jobs")]),
        domain=_domain(site),
    )
    return renderer(ctx)
