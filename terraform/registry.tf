resource "google_artifact_registry_repository" "images" {
  repository_id = var.name
  location      = var.region
  format        = "DOCKER"
  description   = "swift-sobel images (one image for sobel serve and sobel work)"
  labels        = var.labels

  # checkov:skip=CKV_GCP_84:Images hold no customer data; Google-managed encryption keys are enough here. Add kms_key_name for CMEK.
}

# The nodes' own identity, with only what nodes need: write logs and metrics, read images.
resource "google_service_account" "nodes" {
  account_id   = "${var.name}-nodes"
  display_name = "swift-sobel GKE nodes"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_artifact_registry_repository_iam_member" "nodes_read_images" {
  repository = google_artifact_registry_repository.images.name
  location   = var.region
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.nodes.email}"
}
