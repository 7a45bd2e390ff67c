// `nestjs-warden/openapi`: security schemes and 401/403/503 responses in `@nestjs/swagger` documents.
export { applyAuthToOpenApi, type ApplyAuthToOpenApiOptions, type OpenApiDocumentLike } from './apply-auth-to-openapi.js';
