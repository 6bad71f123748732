"""`/workspaces/{ws}/optimize-allocations`: proposals that remove over-allocations."""

from __future__ import annotations

from fastapi import APIRouter

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceAdmin
from worksync.common.errors import error_responses
from worksync.resources.dependencies import OptimizerServiceDep
from worksync.resources.optimizer.schemas import OptimizationRequest, OptimizationResult

router = APIRouter(prefix="/workspaces/{ws}/optimize-allocations", tags=["allocations"])


@router.post(
    "",
    response_model=OptimizationResult,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def optimize_allocations(
    request: OptimizationRequest, context: WorkspaceAdmin, service: OptimizerServiceDep
) -> OptimizationResult:
    """Propose (never apply) moves and cuts of allocations that remove the over-allocations
    overlapping the range (workspace admins); `bulk` applies them through
    `PUT …/allocations/bulk`."""
    return await service.propose(context, request)
