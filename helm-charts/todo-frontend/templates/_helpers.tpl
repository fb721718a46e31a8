{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "todo-frontend.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, plus the chart name unless it already holds it. */}}
{{- define "todo-frontend.fullname" -}}
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
{{- define "todo-frontend.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "todo-frontend.labels" -}}
helm.sh/chart: {{ include "todo-frontend.chart" . }}
{{ include "todo-frontend.selectorLabels" . }}
{{- /* What runs: the image tag, the appVersion when the tag is empty (`helm create`'s chart labels
the appVersion, which says nothing of an image deployed with another tag). */}}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-chatbot
{{- end }}

{{/* Labels that select the web pods (the harness selects by these too). */}}
{{- define "todo-frontend.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-frontend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: web
{{- end }}

{{/* The image reference; the tag defaults to the chart's appVersion. */}}
{{- define "todo-frontend.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The backend URL the Next.js server proxies /api/* to. */}}
{{- define "todo-frontend.backendUrl" -}}
{{- default "http://todo-backend:8000" .Values.backendUrl }}
{{- end }}

{{/*
Container resources with every quantity a string ("64", not 64): server-side apply (Helm 4) on
Kubernetes before 1.21 refuses a number where a quantity goes; Helm 3's client-side apply took it.
Usage: {{ include "todo-frontend.resources" .Values.resources }}
*/}}
{{- define "todo-frontend.resources" -}}
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
