"""govplan: Chinese government plan documents in, structured data out.

    >>> import govplan
    >>> plan = govplan.extract("notice.txt")
    >>> [t.title for t in plan.tasks]
"""

from .errors import GovplanError, InputError, RulesError
from .models import Plan
from .pipeline import extract

__all__ = ["GovplanError", "InputError", "Plan", "RulesError", "extract"]
__version__ = "0.1.0"
