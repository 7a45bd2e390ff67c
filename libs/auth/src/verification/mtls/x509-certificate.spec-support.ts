// The one copy for unit specs and e2e suites: the unit specs import it from here (Stryker's sandbox
// leaves test/ out), the e2e suites through test/fixtures/x509-certificate.ts.

/**
 * A self-signed P-256 certificate (CN "nestjs-warden test fixture", valid until 2126), made with
 * `openssl req -x509 -newkey ec`. Public material only: its private key was never kept.
 */
export const X509_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBoDCCAUegAwIBAgIUX//U1QJtaZxwrtN0DaRuvAwydnkwCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwabmVzdGpzLXdhcmRlbiB0ZXN0IGZpeHR1cmUwIBcNMjYxMjAx
MDUwMjIzWhgPMjEyNjExMDcwNTAyMjNaMCUxIzAhBgNVBAMMGm5lc3Rqcy13YXJk
ZW4gdGVzdCBmaXh0dXJlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHwLWLzrp
1quwsM9hfQ3NO67X0+JzgKKeaPdJ8TE6yiyyPqYlEcGTBQavlPRiNpjORiOGNsNQ
PsqxS8hhd/QmW6NTMFEwHQYDVR0OBBYEFKvEyMIswoM5KamlLQW/CInsz1zpMB8G
A1UdIwQYMBaAFKvEyMIswoM5KamlLQW/CInsz1zpMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDRwAwRAIgQv4JWfQe40fIGUX0TGiq1m6Mza4pvghk3lPBNram
LdQCIHHlvNJNjzKjEigbrGz4G91iudrK2wki06eTEBvI899T
-----END CERTIFICATE-----
`;

/** The same certificate as bare base64 DER, as it appears in a JWK's `x5c`. */
export const X509_CERTIFICATE_BASE64 = X509_CERTIFICATE_PEM.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
