// Original file: nodedoc/v1/query_service.proto


export interface WatchDiagnosesRequest {
  /**
   * Only this node; empty means every node.
   */
  'node'?: (string);
}

export interface WatchDiagnosesRequest__Output {
  /**
   * Only this node; empty means every node.
   */
  'node': (string);
}
