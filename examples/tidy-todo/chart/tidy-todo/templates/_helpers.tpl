{{- define "tidy.labels" -}}
app.kubernetes.io/name: tidy-todo
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "tidy.security" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  allowPrivilegeEscalation: false
  capabilities: {drop: [ALL]}
{{- end }}

{{/* Quantities as strings: server-side apply on 1.20 refuses numbers there. */}}
{{- define "tidy.resources" -}}
resources:
  {{- range $kind, $values := . }}
  {{ $kind }}:
    {{- range $name, $value := $values }}
    {{ $name }}: {{ $value | toString | quote }}
    {{- end }}
  {{- end }}
{{- end }}
