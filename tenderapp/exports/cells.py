"""Safe spreadsheet cells: text that a spreadsheet would read as a formula is escaped."""

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '"£"#,##0.00'  # shown as £1,234.56, kept as a number


def safe_cell(value):
    """Text starting with =, +, -, @, tab or CR gets a leading apostrophe so that no formula
    can run when the workbook is opened; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value
