"""Read-only views across areas for the staff desks: each role's waiting work (home.py),
searching and paging of the staff lists (search.py, paging.py). Queries only, no changes.
"""
