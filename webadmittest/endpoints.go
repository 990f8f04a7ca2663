package webadmittest

// Endpoint names one operation of the fake API (by its operationId in the
// spec) or the object store. Faults and the [Recorder] are keyed by it.
type Endpoint string

// The six operations of the export workflow, named by their operationId,
// and the object store.
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
	// EndpointObject is a GET or HEAD of a file on the object store (an
	// export file or a PDF Manager zip file).
	EndpointObject Endpoint = "object"
)

// The operations beyond exports, named by their operationId.
const (
	EndpointListOrganizations            Endpoint = "listOrganizations"
	EndpointListPrograms                 Endpoint = "listPrograms"
	EndpointListDecisions                Endpoint = "listDecisions"
	EndpointListCustomFields             Endpoint = "listCustomFields"
	EndpointGetCustomFieldAnswer         Endpoint = "getCustomFieldAnswer"
	EndpointStoreCustomFieldAnswer       Endpoint = "storeCustomFieldAnswer"
	EndpointClearCustomFieldAnswer       Endpoint = "clearCustomFieldAnswer"
	EndpointGetDesignation               Endpoint = "getDesignation"
	EndpointUpdateDesignation            Endpoint = "updateDesignation"
	EndpointListPdfManagerTemplates      Endpoint = "listPdfManagerTemplates"
	EndpointGetPdfManagerTemplate        Endpoint = "getPdfManagerTemplate"
	EndpointListPdfManagerBatches        Endpoint = "listPdfManagerBatches"
	EndpointGetPdfManagerBatch           Endpoint = "getPdfManagerBatch"
	EndpointInitiatePdfManagerBatch      Endpoint = "initiatePdfManagerBatch"
	EndpointDownloadPdfManagerZipFile    Endpoint = "downloadPdfManagerZipFile"
	EndpointUpdateApplicantDetails       Endpoint = "updateApplicantDetails"
	EndpointGetSocialSecurityNumbers     Endpoint = "getSocialSecurityNumbers"
	EndpointCreateDesignationBatch       Endpoint = "createDesignationBatch"
	EndpointGetDesignationBatch          Endpoint = "getDesignationBatch"
	EndpointCreateCustomFieldAnswerBatch Endpoint = "createCustomFieldAnswerBatch"
	EndpointGetCustomFieldAnswerBatch    Endpoint = "getCustomFieldAnswerBatch"
)

// Endpoints lists every endpoint: the six export operations, the object
// store, then the other operations.
func Endpoints() []Endpoint {
	return []Endpoint{
		EndpointListUserIdentities,
		EndpointListExports,
		EndpointListUserIdentityExports,
		EndpointInitiateExportFile,
		EndpointGetExportFile,
		EndpointListUserIdentityExportFiles,
		EndpointObject,
		EndpointListOrganizations,
		EndpointListPrograms,
		EndpointListDecisions,
		EndpointListCustomFields,
		EndpointGetCustomFieldAnswer,
		EndpointStoreCustomFieldAnswer,
		EndpointClearCustomFieldAnswer,
		EndpointGetDesignation,
		EndpointUpdateDesignation,
		EndpointListPdfManagerTemplates,
		EndpointGetPdfManagerTemplate,
		EndpointListPdfManagerBatches,
		EndpointGetPdfManagerBatch,
		EndpointInitiatePdfManagerBatch,
		EndpointDownloadPdfManagerZipFile,
		EndpointUpdateApplicantDetails,
		EndpointGetSocialSecurityNumbers,
		EndpointCreateDesignationBatch,
		EndpointGetDesignationBatch,
		EndpointCreateCustomFieldAnswerBatch,
		EndpointGetCustomFieldAnswerBatch,
	}
}
