// Original file: nodedoc/v1/query_service.proto


export interface ListCausesRequest {
}

export interface ListCausesRequest__Output {
}
