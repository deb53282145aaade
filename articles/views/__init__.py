"""The pages, one module per family; `newsroom/urls.py` maps URLs to them.

- `library`: the list of articles, adding one (text, file or web address), deleting one;
- `labels`: labels and reading state from the library and the reader, the labels page;
- `reader`: the reader page; `annotations`: highlights, notes and their cards;
- `entities`: tagging from the reader, and the entity pages;
- `saving`: fetch jobs, the bookmarklet and its "Save page" endpoint;
- `feeds`, `sharing` (share links and the shared page), `versions`, `export`, `search`;
- `setup`: the first-run account, and the favicon.

Views are thin: they fetch through `articles.permissions`, call a domain function, and
render. Views never import each other; what several share is in `_shared`.
"""
