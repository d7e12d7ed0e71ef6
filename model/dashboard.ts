/** The CloudWatch dashboard each pipeline gets: one name, shared by the workflow and the API's links. */
export const pipelineDashboardName = (pipelineId: string): string => `shardpilot-${pipelineId}`;
