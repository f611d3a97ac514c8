"""The data generation: random tokens in the shared cache, replaced after any change to the data
the figures and reports show (``reports/signals.py``). Whatever is cached under them (a rendered
report, :func:`reports.metrics.compute_cached`'s figures) is unreachable once one is replaced, on
every worker and server that shares the cache.

Three topics of the figures, each with its token: the milestones (their rows and history: what
commune officers change all day), everything else (units, programmes, procedures and scopes,
audits, announcements), and the roadmaps' shape (which steps stand on which participation's
roadmap: a milestone added, removed or moved to another step or participation, and any bulk
write). What does not read the milestones (the year's maintenance figures) keys on the second
only, so a milestone's update leaves it cached; the steps of the grid key on the last two. A
fourth, the users (``accounts/signals.py``), is no topic of the figures: a sign-in saves its user,
and must not renew them; what a request keeps of its signed-in user keys on it (:func:`kept`).

Read the tokens *before* the data: a change committed during a computation then leaves its result
under the old ones. A request reads each token once, at its first use (:func:`remember_for_request`):
what it computes later is then under tokens read before its data too, and the tokens it starts
itself (a change it commits) replace those it remembers."""

import threading
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.core.signals import request_finished, request_started

MILESTONES, OTHER, ROADMAPS = "milestones", "other", "roadmaps"
TOPICS = (MILESTONES, OTHER, ROADMAPS)  # the figures': what "all" means below
USERS = "users"
MILESTONE_MODELS = {"roadmap.milestone", "roadmap.historicalmilestone"}


def _key(topic: str) -> str:
    return f"reports:generation:{topic}"


_REQUEST = threading.local()  # .tokens: the tokens this thread's request has read, by key


def data_generation(*topics: str) -> str:
    """The current token of ``topics`` (default: all) together (new ones when the cache has
    none); within a request, as it first read them."""
    topics = topics or TOPICS
    keys = [_key(topic) for topic in topics]
    remembered = getattr(_REQUEST, "tokens", None)
    tokens = {} if remembered is None else {k: remembered[k] for k in keys if k in remembered}
    if len(tokens) < len(keys):
        missing = [key for key in keys if key not in tokens]
        if remembered is not None and not remembered:
            # A request's first read: every token at once (one query, where a page read two or
            # three, one for its user, one for its figures).
            missing = [_key(topic) for topic in (*TOPICS, USERS)]
        found = cache.get_many(missing)
        if len(found) < len(missing):
            for key in missing:
                if key not in found:
                    cache.add(key, uuid.uuid4().hex, timeout=None)
            found = cache.get_many(missing)
        tokens.update(found)
        if remembered is not None:
            remembered.update(found)
    return ".".join(str(tokens.get(key)) for key in keys)


def data_changed(*topics: str) -> None:
    """Start a new generation of ``topics`` (default: all): what is cached under it becomes
    unreachable."""
    tokens = {_key(topic): uuid.uuid4().hex for topic in topics or TOPICS}
    cache.set_many(tokens, timeout=None)
    remembered = getattr(_REQUEST, "tokens", None)
    if remembered is not None:
        remembered.update(tokens)


# What :func:`kept` keeps in this process, by name, key and tokens.
_KEPT: "OrderedDict[tuple, object]" = OrderedDict()
_KEPT_MAX = 8192  # a province's communes' pages each keep a few
_KEPT_LOCK = threading.Lock()


def kept(name: str, key, build, topics: tuple[str, ...]):
    """``build()``'s value for ``key``, kept in this process while the tokens of ``topics`` stay
    (read once a request, see above): for what a page reads at every request and changes
    seldom (the signed-in user, the territory's name, a commune's records). The value is shared
    by every request that reads it: immutable (a string, bytes), copied by the caller, or only
    read."""
    try:
        entry = (name, data_generation(*topics), key)  # the tokens before the data
    except Exception:  # any backend's error: the shared cache is out of reach (/healthz says
        return build()  # so), and the pages that need no figures still answer
    with _KEPT_LOCK:
        if entry in _KEPT:
            _KEPT.move_to_end(entry)
            return _KEPT[entry]
    value = build()
    with _KEPT_LOCK:
        _KEPT[entry] = value
        while len(_KEPT) > _KEPT_MAX:
            _KEPT.popitem(last=False)
    return value


def forget_kept() -> None:
    """Forget what :func:`kept` keeps (tests)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def remember_for_request(sender=None, **kwargs) -> None:
    """From now until the request ends, read each token once (a page reads several: its
    figures, their audits, the year's duties)."""
    _REQUEST.tokens = {}


def forget_for_request(sender=None, **kwargs) -> None:
    _REQUEST.tokens = None


def connect() -> None:
    request_started.connect(remember_for_request, dispatch_uid="generation-request-started")
    request_finished.connect(forget_for_request, dispatch_uid="generation-request-finished")


def topic_of(model) -> str | None:
    """The topic a change to a row of ``model`` belongs to (None: not a model, such as an
    import's resource: every topic)."""
    label = getattr(getattr(model, "_meta", None), "label_lower", None)
    if not isinstance(label, str):
        return None
    return MILESTONES if label in MILESTONE_MODELS else OTHER
