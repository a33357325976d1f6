"""Rung 8: everything one build carries to the next, so a rebuild redoes only what its changes touch.

One vocabulary throughout: a *memo* lives in this process (the dev server's `Builder` holds the
last good build's `BuildMemo`); the *store* is on disk (`DiskStore`, `<site>/.cache/`) and outlives
the process; a *key* is a digest of everything a result is made from (`site_builder.core.keys`), so
an equal key means an equal result. Dropping any layer gives the same output, only later. Only this
package and `site_builder.build` write carried state; other packages read what they are handed.

| layer (where)                       | lives | key                                     | invalid when                 |
| ----------------------------------- | ----- | --------------------------------------- | ---------------------------- |
| parsed models (memo.models)         | both  | memo: path; store: config, path, bytes  | file or config changed       |
| bodies (bodies.py)                  | both  | settings, registry, page, line, text    | any of those changed         |
| alias matcher (memo.matcher)        | memo  | the actor models it was built from      | an actor file changed        |
| related, co-mentions (derived)      | both  | signature of what each is made from     | the signature differs        |
| site graph (relink, briefing_edits) | memo  | patched after briefing edits            | actor, topic or page changed |
| pages to plan (scope.py)            | build | the briefings edited, before and after  | -                            |
| compiled templates                  | memo  | -                                       | a template file changed      |
| list rows (memo.rows)               | memo  | card value, macro and arguments         | templates compiled again     |
| cards and keys (memo.cards)         | memo  | briefing slug                           | that briefing edited         |
| page keys (memo.pages, StoredPage)  | both  | page inputs, templates, assets, version | an input; the file touched   |
| sitemap dates (memo.sitemap)        | memo  | page URL                                | the page planned again       |
| site state (site_state.py)          | store | every input byte, version, drafts       | an input; an output touched  |

"Both" means a memo in this process and the store on disk. The store takes a page key only with its
file's size and mtime, and the site state only for a full build.
"""
