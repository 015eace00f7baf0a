"""What every area's pages need, written once.

- `forms.py`: a service's field errors beside the form's fields; the one flash category for errors
- `lookups.py`: a 404 answer when a lookup finds nothing (`db.get_or_404` for primary keys)
- `pagination.py`: `Pager`, the page number from the query string; its macro is
  `templates/_macros/pagination.html`
- `uploads.py`: an uploaded file as text (encoding detected), with size and row limits
- `spreadsheets.py`: CSV (the one dialect: `;`, UTF-8 with BOM, CRLF) and XLSX that a
  spreadsheet opens without running formulas
- `json_api.py`: the JSON body parser of the API and the door page; the JSON error shape is
  `DomainError.to_dict()` in `coopnet/errors.py`

This package is part of the core layer: it imports Flask, `coopnet.errors` and
`coopnet.extensions`, never an area.
"""
