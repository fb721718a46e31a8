{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "todo-backend.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, plus the chart name unless it already holds it. */}}
{{- define "todo-backend.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "todo-backend.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "todo-backend.labels" -}}
helm.sh/chart: {{ include "todo-backend.chart" . }}
{{ include "todo-backend.selectorLabels" . }}
{{- /* What runs: the image tag, the appVersion when the tag is empty (`helm create`'s chart labels
the appVersion, which says nothing of an image deployed with another tag). */}}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-chatbot
{{- end }}

{{/* Labels of another part of the release (the database): the common labels with its own
component, merged into one map as bitnami's common.labels.standard does (no key twice). */}}
{{- define "todo-backend.componentLabels" -}}
{{- $labels := include "todo-backend.labels" .root | fromYaml -}}
{{- toYaml (merge (dict "app.kubernetes.io/component" .component) $labels) }}
{{- end }}

{{/* Labels that select the API pods (the harness selects by these too). */}}
{{- define "todo-backend.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-backend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{/* The ServiceAccount name. */}}
{{- define "todo-backend.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo-backend.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference; the tag defaults to the chart's appVersion. */}}
{{- define "todo-backend.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the pods read: an existing one, or the chart's. */}}
{{- define "todo-backend.secretName" -}}
{{- default (include "todo-backend.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* Whether the in-cluster PostgreSQL is deployed: enabled, and no external database given. */}}
{{- define "todo-backend.postgresql.enabled" -}}
{{- if and .Values.postgresql.enabled (not .Values.secrets.databaseUrl) (not .Values.secrets.existingSecret) }}true{{- end }}
{{- end }}

{{- define "todo-backend.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-backend.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A secret value: the one given in values, else the one already in the release's Secret (so
upgrades keep it), else a new random one. Call with (dict "root" $ "key" "SECRET_KEY" "value" "...").
*/}}
{{- define "todo-backend.keptSecret" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace (include "todo-backend.fullname" .root) }}
{{- if .value }}
{{- .value }}
{{- else if and $existing (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 48 }}
{{- end }}
{{- end }}

{{/*
Container resources with every quantity a string ("64", not 64): server-side apply (Helm 4) on
Kubernetes before 1.21 refuses a number where a quantity goes; Helm 3's client-side apply took it.
Usage: {{ include "todo-backend.resources" .Values.resources }}
*/}}
{{- define "todo-backend.resources" -}}
{{- range $kind, $amounts := . }}
{{ $kind }}:
{{- range $name, $amount := $amounts }}
  {{- /* Helm reads numbers as floats: a whole one is written without a fraction or exponent */}}
  {{- if and (kindIs "float64" $amount) (eq (floor $amount) $amount) }}
  {{ $name }}: {{ int64 $amount | toString | quote }}
  {{- else }}
  {{ $name }}: {{ $amount | toString | quote }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}
