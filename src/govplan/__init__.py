"""govplan: Chinese government plan documents in, structured data out.

    >>> import govplan
    >>> plan = govplan.extract("notice.txt")
    >>> [t.title for t in plan.tasks]
    >>> result = govplan.diff("plan-2022.txt", "plan-2023.json")   # a PlanDiff
    >>> result.summary.changed, [c.kind for t in result.tasks for c in t.changes]
"""

import sys
import types
from typing import TYPE_CHECKING, Any

from .errors import GovplanError, InputError, RulesError
from .models import Plan
from .pipeline import extract

if TYPE_CHECKING:
    from .diff import diff

__all__ = ["GovplanError", "InputError", "Plan", "RulesError", "diff", "extract"]
__version__ = "0.1.0"


class _Package(types.ModuleType):
    """The type of this package's module object, for one name: ``govplan.diff`` is the function
    ``diff`` (from the module of the same name, imported on first use: a plain ``extract`` need
    not pay for it), however the module ``govplan.diff`` is imported.  Importing a submodule sets
    it as an attribute of its package, which would hide the function; this property keeps the
    function (``from govplan.diff import …`` finds the module in ``sys.modules`` all the same).
    Anything else assigned to it (a test's monkeypatch) is kept and given back."""

    @property
    def diff(self) -> Any:
        override = self.__dict__.get("_diff_override")
        if override is not None:
            return override
        from .diff import diff as function

        return function

    @diff.setter
    def diff(self, value: Any) -> None:
        if value is not sys.modules.get(f"{__name__}.diff"):
            self.__dict__["_diff_override"] = value

    @diff.deleter
    def diff(self) -> None:
        self.__dict__.pop("_diff_override", None)


sys.modules[__name__].__class__ = _Package
