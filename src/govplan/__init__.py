"""govplan: Chinese government plan documents in, structured data out.

    >>> import govplan
    >>> plan = govplan.extract("notice.txt")
    >>> [t.title for t in plan.tasks]
    >>> result = govplan.diff("plan-2022.txt", "plan-2023.json")   # a PlanDiff
    >>> result.summary.changed, [c.kind for t in result.tasks for c in t.changes]
"""

# ``govplan.diff`` is the function; its module (light: jieba, rapidfuzz and rich are imported
# inside its functions) stays importable with ``from govplan.diff import …``
from .diff import diff
from .errors import GovplanError, InputError, RulesError
from .models import Plan
from .pipeline import extract

__all__ = ["GovplanError", "InputError", "Plan", "RulesError", "diff", "extract"]
__version__ = "0.1.0"
