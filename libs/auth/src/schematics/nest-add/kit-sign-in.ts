import ts from 'typescript';
import { applyEdits, lineIndent, namedImportEdits, parse, type TextEdit } from './source-edits.js';

/** The starter's e2e test boots the whole AppModule: this is where it does. */
function testingModuleCalls(file: ts.SourceFile): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'createTestingModule' &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'Test'
    ) {
      calls.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return calls;
}

/** The statement a node belongs to (whose line gets the explaining comment). */
function statementOf(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && !ts.isBlock(current.parent) && !ts.isSourceFile(current.parent)) current = current.parent;
  return current;
}

/**
 * Signs the starter's e2e test in with the testing kit: its `Test.createTestingModule({ imports: [AppModule] })`
 * goes through `createTestAuth(...).override(...)`, so it boots without keys or environment and its
 * requests are a signed-in user (the guarded `GET /` still answers). Returns null when there is nothing
 * to do: the kit is used already, or no `Test.createTestingModule(...)` call imports `AppModule`.
 */
export function signInE2eTest(source: string, fileName = 'app.e2e-spec.ts'): string | null {
  const file = parse(fileName, source);
  if (/\bcreateTestAuth\b/.test(source)) return null;
  const calls = testingModuleCalls(file).filter((call) => /\bAppModule\b/.test(call.arguments[0]?.getText(file) ?? ''));
  if (calls.length === 0) return null;
  const edits: TextEdit[] = [...namedImportEdits(file, ['clerkSessionClaims', 'createTestAuth'], 'nestjs-warden/testing')];
  for (const call of calls) {
    const start = call.getStart(file);
    edits.push(
      { start, end: start, text: `createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) }).override(` },
      { start: call.end, end: call.end, text: ')' },
    );
    const statement = statementOf(call).getStart(file);
    const indent = lineIndent(source, statement);
    edits.push({
      start: statement,
      end: statement,
      text: `// nestjs-warden: no keys needed; requests without a token are user_1 (docs/testing.md in node_modules/nestjs-warden).\n${indent}`,
    });
  }
  return applyEdits(source, edits);
}
