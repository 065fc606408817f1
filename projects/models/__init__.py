from .importing import ImportBatch
from .project import AnnualPlan, Approval, ApprovalKind, Leader, Project, StageChange

__all__ = [
    "AnnualPlan",
    "Approval",
    "ApprovalKind",
    "ImportBatch",
    "Leader",
    "Project",
    "StageChange",
]
