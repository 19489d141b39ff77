// Original file: nodedoc/v1/query_service.proto


export interface GetNodeRequest {
  'node'?: (string);
}

export interface GetNodeRequest__Output {
  'node': (string);
}
