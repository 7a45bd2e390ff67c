import ts from 'typescript';
import { applyEdits, appendToArrayEdits, importsFrom, indentBlock, indentUnit, lineIndent, namedImportEdits, parse, type TextEdit } from './source-edits.js';

/** What `addAuthModule` did to the root module. */
export interface ModuleEdit {
  text: string;
  /** `forRoot` (options from `process.env`), `forRootAsync` (from `ConfigService`), or null when AuthModule was there already. */
  added: 'forRoot' | 'forRootAsync' | null;
}

const FOR_ROOT = `// Verifies every request's token; global: every route needs a signed-in user unless marked @OptionalAuth().
AuthModule.forRoot({
  jwksUrl: process.env.AUTH_JWKS_URL, // the issuer's keys, e.g. https://<your-app>.clerk.accounts.dev/.well-known/jwks.json
  issuer: process.env.AUTH_ISSUER, // e.g. https://<your-app>.clerk.accounts.dev
  global: true,
})`;

const FOR_ROOT_ASYNC = `// Verifies every request's token; global: every route needs a signed-in user unless marked @OptionalAuth().
AuthModule.forRootAsync({
  imports: [ConfigModule],
  inject: [ConfigService],
  useFactory: (config: ConfigService) => ({
    jwksUrl: config.getOrThrow<string>('AUTH_JWKS_URL'), // the issuer's keys (see .env.example)
    issuer: config.getOrThrow<string>('AUTH_ISSUER'),
  }),
  global: true,
})`;

/** The class of the file decorated with `@Module({ ... })`, and that object literal. */
function moduleMetadata(file: ts.SourceFile): { name: string; metadata: ts.ObjectLiteralExpression } | null {
  for (const statement of file.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    for (const decorator of ts.getDecorators(statement) ?? []) {
      const call = decorator.expression;
      if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'Module') continue;
      const [argument] = call.arguments;
      if (argument && ts.isObjectLiteralExpression(argument)) return { name: statement.name?.text ?? 'the module', metadata: argument };
    }
  }
  return null;
}

function propertyNamed(object: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  return object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name);
}

/**
 * Adds `AuthModule.forRoot(...)` to the `imports` of the file's `@Module()` (or `forRootAsync` with
 * `ConfigService` when the file imports `@nestjs/config`), and its import line, keeping everything else
 * as it is (other modules, `@nestjs/observe`, comments, formatting). Nothing changes when an
 * `AuthModule.…` is imported already. Throws an Error that says what to do by hand when the module
 * has a shape it cannot edit (no `@Module({ ... })`, `imports` that is not an array literal).
 *
 * @example
 * addAuthModule("import { Module } from '@nestjs/common';\n@Module({ imports: [] })\nexport class AppModule {}\n").added // 'forRoot'
 */
export function addAuthModule(source: string, fileName = 'app.module.ts'): ModuleEdit {
  const file = parse(fileName, source);
  const found = moduleMetadata(file);
  if (!found)
    throw new Error(
      `${fileName} has no @Module({ ... }) class: add AuthModule.forRoot({ jwksUrl, issuer, global: true }) to your root module's imports by hand`,
    );
  const imports = propertyNamed(found.metadata, 'imports');
  if (imports && !ts.isArrayLiteralExpression(imports.initializer)) {
    throw new Error(
      `the imports of ${found.name} in ${fileName} are not an array literal: add AuthModule.forRoot({ jwksUrl, issuer, global: true }) to them by hand`,
    );
  }
  const array = imports?.initializer as ts.ArrayLiteralExpression | undefined;
  if (array?.elements.some((e) => /^AuthModule\s*\.\s*forRoot/.test(e.getText(file)))) return { text: source, added: null };

  const withConfig = importsFrom(file, '@nestjs/config');
  const element = withConfig ? FOR_ROOT_ASYNC : FOR_ROOT;
  const edits: TextEdit[] = [...namedImportEdits(file, ['AuthModule'], 'nestjs-warden')];
  if (withConfig) edits.push(...namedImportEdits(file, ['ConfigModule', 'ConfigService'], '@nestjs/config'));
  if (array) {
    edits.push(...appendToArrayEdits(source, file, array, element));
  } else {
    const first = found.metadata.properties[0];
    const outer = lineIndent(source, found.metadata.getStart(file));
    const indent = first ? lineIndent(source, first.getStart(file)) : outer + indentUnit(source);
    const property = indentBlock(`imports: [\n${indentBlock(element, indentUnit(source))},\n]`, indent);
    if (first) edits.push({ start: first.getStart(file), end: first.getStart(file), text: `${property.trimStart()},\n${indent}` });
    else edits.push({ start: found.metadata.getStart(file), end: found.metadata.end, text: `{\n${property},\n${outer}}` });
  }
  return { text: applyEdits(source, edits), added: withConfig ? 'forRootAsync' : 'forRoot' };
}
