"""The functional core: rules, plans, the checker, the programme. Standard library and numpy only, no Django."""
