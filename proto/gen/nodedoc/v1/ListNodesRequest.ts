// Original file: nodedoc/v1/query_service.proto


export interface ListNodesRequest {
}

export interface ListNodesRequest__Output {
}
