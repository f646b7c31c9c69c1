"""Field extractors (one module per field): one module per field, each split into finding spans and
resolving values, each reading its lexicons and patterns from ``rules/``.

Every extractor is a class built once from a :class:`~extractor.ruleset.Rules`
(so bad rules fail at start-up) and called per document::

    extractor = DateExtractor(rules)
    mentions = extractor(body, ctx)      # list[Mention], offsets into body
"""
