# State lives in a GCS bucket that you create once; nothing about it is in the repository:
#   terraform init -backend-config="bucket=YOUR_STATE_BUCKET" -backend-config="prefix=swift-sobel"
terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }

  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}
