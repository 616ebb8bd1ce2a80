"""Community health: membership events, the nightly daily figures, the health score.

``events`` is called by the membership services; ``figures`` and ``score`` are the set-based
nightly job (see ``communities.health.tasks``); reads for screens live in
``communities.health.selectors``.
"""
