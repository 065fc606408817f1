from .importing import ImportBatch
from .project import AnnualPlan, Approval, ApprovalKind, Leader, Project, StageChange
from .report import MonthlyReport, ReportPhoto, ReportRevision

__all__ = [
    "AnnualPlan",
    "Approval",
    "ApprovalKind",
    "ImportBatch",
    "Leader",
    "MonthlyReport",
    "Project",
    "ReportPhoto",
    "ReportRevision",
    "StageChange",
]
