"""Entities and their mentions, one module per job:

- `suggestions`: what an article may mention (known names found again, new candidates);
- `tagging`: making mentions (tag a passage, tag all, accept or reject a suggestion);
- `curation`: the gazetteer itself (create, edit, aliases, publish, merge);
- `pages`: what an entity's page shows;
- `matching` and `candidates`: the pure text pipelines underneath (no database).

Import the module you need; this package imports nothing, so any module may use a pure
pipeline of it without pulling in the rest.
"""
