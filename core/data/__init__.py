"""Training data and what describes it: the dataset store, the catalog, verdicts, EDA, role profiles, plans.

- ``dataset``: JSONL records, locked appends from many writers, torn-tail repair;
- ``catalog``: which datasets exist (the starter corpus and generation jobs);
- ``verdicts``: reviewers' accept and reject decisions on samples;
- ``roles`` and ``plan``: the target-role profile and the deterministic plans of synthetic resumes.
"""

from core.data.dataset import LABELS, LoadedDataset, ResumeRecord, load_datasets, read_records, write_records
from core.data.catalog import DatasetInfo, list_datasets, resolve_datasets, stamps
from core.data.verdicts import VERDICTS, Verdict, VerdictStore
from core.data.roles import DEVOPS, RoleProfile, RoleSpec, get_profile
from core.data.plan import PlanSpec, PlannedItem, plan_items

__all__ = [
    "DatasetInfo",
    "DEVOPS",
    "get_profile",
    "LABELS",
    "list_datasets",
    "load_datasets",
    "LoadedDataset",
    "plan_items",
    "PlannedItem",
    "PlanSpec",
    "read_records",
    "resolve_datasets",
    "ResumeRecord",
    "RoleProfile",
    "RoleSpec",
    "stamps",
    "Verdict",
    "VERDICTS",
    "VerdictStore",
    "write_records",
]
