output "cluster_name" {
  description = "The GKE cluster's name."
  value       = google_container_cluster.main.name
}

output "region" {
  description = "The cluster's region."
  value       = var.region
}

output "kubectl_credentials_command" {
  description = "Run this to point kubectl at the cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.main.name} --region ${var.region} --project ${var.project_id}"
}

output "registry" {
  description = "Where to push the image: docker tag swift-sobel:TAG <registry>/sobel:TAG."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "docker_login_command" {
  description = "Lets docker push to the registry."
  value       = "gcloud auth configure-docker ${var.region}-docker.pkg.dev"
}

output "workload_identity_pool" {
  description = "The Workload Identity pool, for binding Kubernetes service accounts to Google service accounts."
  value       = "${var.project_id}.svc.id.goog"
}
