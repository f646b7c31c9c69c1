"""What organization and community names share.

A name here is ``modifier + head``: the head is the suffix that made us look
(``局``, ``工作组``, ``社区``), the modifier is what a leftward scan over jieba
tokens collected before a boundary stopped it.  Both extractors use:

* :mod:`.segment` — jieba tokens of the Chinese-character runs holding a suffix;
* :mod:`.boundary` — the lexicon that stops a name (``rules/names.yaml``) and
  :meth:`~.boundary.LeftBoundary.scan`;
* :mod:`.cluster` — canonical name + aliases within one document.
"""
