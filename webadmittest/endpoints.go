package webadmittest

// Endpoint names one operation of the fake API (by its operationId in the
// spec) or the object store. Faults and the [Recorder] are keyed by it.
type Endpoint string

// The six operations of the API, named by their operationId, and the object
// store.
const (
	// EndpointListUserIdentities is GET /api/v1/user_identities.
	EndpointListUserIdentities Endpoint = "listUserIdentities"
	// EndpointListExports is GET /api/v1/exports.
	EndpointListExports Endpoint = "listExports"
	// EndpointListUserIdentityExports is GET /api/v1/user_identities/{id}/exports.
	EndpointListUserIdentityExports Endpoint = "listUserIdentityExports"
	// EndpointInitiateExportFile is POST .../exports/{export_id}/export_files.
	EndpointInitiateExportFile Endpoint = "initiateExportFile"
	// EndpointGetExportFile is GET /api/v1/exports/{export_id}/export_files/{id}.
	EndpointGetExportFile Endpoint = "getExportFile"
	// EndpointListUserIdentityExportFiles is GET /api/v1/user_identities/{id}/export_files.
	EndpointListUserIdentityExportFiles Endpoint = "listUserIdentityExportFiles"
	// EndpointObject is a GET or HEAD of an export file on the object store.
	EndpointObject Endpoint = "object"
)

// Endpoints lists every endpoint, the six API operations first.
func Endpoints() []Endpoint {
	return []Endpoint{
		EndpointListUserIdentities,
		EndpointListExports,
		EndpointListUserIdentityExports,
		EndpointInitiateExportFile,
		EndpointGetExportFile,
		EndpointListUserIdentityExportFiles,
		EndpointObject,
	}
}
