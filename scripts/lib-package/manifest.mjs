/**
 * The published package.json: the hand-written policy of libs/auth/package.json (name, version, peers,
 * engines) plus what the build knows for a fact (entry points, and dependencies found in the emitted
 * code, with the ranges of the workspace's package.json).
 *
 * @param {object} input
 * @param {Record<string, any>} input.template libs/auth/package.json
 * @param {Record<string, any>} input.workspace the root package.json
 * @param {Array<{ subpath: string, module: string }>} input.entries from readEntryPoints()
 * @param {Map<string, string>} input.runtimePackages every package the emitted JS imports -> an importing file
 * @param {Map<string, string>} input.mainEntryPackages packages that load with `import 'nestjs-warden'` -> importer
 * @returns {Record<string, any>}
 */
export function buildManifest({ template, workspace, entries, runtimePackages, mainEntryPackages }) {
  const peers = template.peerDependencies ?? {};
  const optionalPeers = new Set(
    Object.entries(template.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta?.optional)
      .map(([name]) => name),
  );
  const problems = [];
  const dependencies = {};
  for (const [pkg, importer] of [...runtimePackages].sort(([a], [b]) => a.localeCompare(b))) {
    if (pkg in peers) continue;
    const range = workspace.dependencies?.[pkg];
    if (range) dependencies[pkg] = range;
    else problems.push(`${importer} imports "${pkg}", which is neither a dependency of the workspace package.json nor a peer in libs/auth/package.json`);
  }
  for (const [pkg, importer] of mainEntryPackages) {
    if (optionalPeers.has(pkg)) {
      problems.push(
        `${importer} statically imports the optional peer "${pkg}" from the main entry point: apps without it crash on import. ` +
          'Use a type-only import, a dynamic import(), or a subpath entry point.',
      );
    }
  }
  if (problems.length > 0) throw new Error(`build:lib:\n  ${problems.join('\n  ')}`);

  const exportsMap = {};
  const typesVersions = {};
  for (const { subpath, module } of entries) {
    exportsMap[subpath] = { types: `./${module}.d.ts`, default: `./${module}.js` };
    if (subpath !== '.') typesVersions[subpath.slice(2)] = [`./${module}.d.ts`];
  }
  exportsMap['./package.json'] = './package.json';
  const main = entries.find((e) => e.subpath === '.').module;

  const { name, version, description, keywords, license, author, repository, homepage, bugs, engines, bin, schematics } = template;
  return {
    name,
    version,
    description,
    keywords,
    license,
    author,
    repository,
    homepage,
    bugs,
    type: 'module',
    main: `./${main}.js`,
    types: `./${main}.d.ts`,
    exports: exportsMap,
    ...(bin ? { bin } : {}),
    // `nest add nestjs-warden` runs the nest-add schematic of this collection.
    ...(schematics ? { schematics } : {}),
    // Only for TypeScript's legacy `moduleResolution: node`, which ignores `exports`.
    ...(Object.keys(typesVersions).length > 0 ? { typesVersions: { '*': typesVersions } } : {}),
    engines,
    dependencies,
    peerDependencies: peers,
    peerDependenciesMeta: template.peerDependenciesMeta,
  };
}
