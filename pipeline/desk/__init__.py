"""The editor's desk: the week's candidates, ranking, decisions and edits, issues and export."""
