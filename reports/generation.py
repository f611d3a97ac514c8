"""The data generation: random tokens in the shared cache, replaced after any change to the data
the figures and reports show (``reports/signals.py``). Whatever is cached under them (a rendered
report, :func:`reports.metrics.compute_cached`'s figures) is unreachable once one is replaced, on
every worker and server that shares the cache.

Three topics, each with its token: the milestones (their rows and history: what commune officers
change all day), everything else (units, programmes, procedures and scopes, audits,
announcements), and the roadmaps' shape (which steps stand on which participation's roadmap: a
milestone added, removed or moved to another step or participation, and any bulk write). What
does not read the milestones (the year's maintenance figures) keys on the second only, so a
milestone's update leaves it cached; the steps of the grid key on the last two.

Read the tokens *before* the data: a change committed during a computation then leaves its result
under the old ones."""

import uuid

from django.core.cache import cache

MILESTONES, OTHER, ROADMAPS = "milestones", "other", "roadmaps"
TOPICS = (MILESTONES, OTHER, ROADMAPS)
MILESTONE_MODELS = {"roadmap.milestone", "roadmap.historicalmilestone"}


def _key(topic: str) -> str:
    return f"reports:generation:{topic}"


def data_generation(*topics: str) -> str:
    """The current token of ``topics`` (default: all) together (new ones when the cache has
    none)."""
    topics = topics or TOPICS
    keys = [_key(topic) for topic in topics]
    tokens = cache.get_many(keys)
    if len(tokens) < len(keys):
        for key in keys:
            if key not in tokens:
                cache.add(key, uuid.uuid4().hex, timeout=None)
        tokens = cache.get_many(keys)
    return ".".join(str(tokens.get(key)) for key in keys)


def data_changed(*topics: str) -> None:
    """Start a new generation of ``topics`` (default: all): what is cached under it becomes
    unreachable."""
    cache.set_many({_key(topic): uuid.uuid4().hex for topic in topics or TOPICS}, timeout=None)


def topic_of(model) -> str | None:
    """The topic a change to a row of ``model`` belongs to (None: not a model, such as an
    import's resource: every topic)."""
    label = getattr(getattr(model, "_meta", None), "label_lower", None)
    if not isinstance(label, str):
        return None
    return MILESTONES if label in MILESTONE_MODELS else OTHER
