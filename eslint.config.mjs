// ESLint: typescript-eslint's type-checked rules for the library and the demo app; Prettier owns formatting.
// Specs, e2e suites, the bench and the scripts keep the type-checked rules that find bugs, without the
// `no-unsafe-*` family: response bodies (supertest), JSON and mocks are `any` there by nature.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TEST_FILES = ['**/*.spec.ts', '**/*.spec-support.ts', 'test/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.mjs'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/node_modules/**',
      'test/package/fixtures/**',
      'test/package/app-extras/**',
      'reports/**',
      '.stryker-tmp/**',
      'bench/.build/**',
      'bench/results/**',
      '.nestjs-warden/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }, globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to leave a field out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // jest.spyOn(object, 'method') and expect(object.method) pass methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // Fakes implement async interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Specs reject with whatever a misbehaving hook would.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked] },
  prettier,
);
