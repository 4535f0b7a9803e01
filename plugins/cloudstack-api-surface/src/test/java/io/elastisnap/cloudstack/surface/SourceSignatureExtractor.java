// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.surface;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeParameterTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Writes the signature list of the real CloudStack declarations of exactly the types the surface declares.
 * Run by hand, once per CloudStack version (see the module's README section in the project README):
 * <pre>
 *   mvn -B -q -pl plugins/cloudstack-api-surface test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.elastisnap.cloudstack.surface.SourceSignatureExtractor \
 *     -Dcloudstack.source=/path/to/cloudstack-4.22-checkout
 * </pre>
 * It only parses (no attribution), so names are resolved from imports, the file's own nested types, the package
 * directories of the tree and java.lang; generic types are erased to their first bound as javac does.
 */
public final class SourceSignatureExtractor {

    private final Map<String, Path> sourcesByRelativePath;
    private final Set<String> surfaceTypes;
    /** -Dbrowse.types=a.B,c.D lists those types with all their nested types, to read a declaration quickly. */
    private final boolean browseMode;

    SourceSignatureExtractor(Path cloudstackTree, Set<String> surfaceTypes) throws IOException {
        this.sourcesByRelativePath = indexSourceRoots(cloudstackTree);
        this.surfaceTypes = surfaceTypes;
        this.browseMode = System.getProperty("browse.types") != null;
    }

    public static void main(String[] args) throws IOException {
        String tree = System.getProperty("cloudstack.source");
        if (tree == null) {
            throw new IllegalArgumentException("Set -Dcloudstack.source=<CloudStack source tree> (a checkout, not a git dir)");
        }
        Path moduleDir = SurfaceClasses.classesDirectory().getParent().getParent();
        Path output = System.getProperty("signature.output") != null ? Paths.get(System.getProperty("signature.output"))
                : moduleDir.resolve("src/test/resources/" + SurfaceClasses.SIGNATURE_RESOURCE);
        String browse = System.getProperty("browse.types");
        Set<String> types = browse != null ? new TreeSet<>(List.of(browse.split(","))) : SurfaceClasses.binaryNames();
        List<String> lines = new SourceSignatureExtractor(Paths.get(tree), types).extract();
        if (browse != null) {
            lines.forEach(System.out::println);
            return;
        }
        List<String> out = new ArrayList<>();
        out.add("# Real CloudStack declarations of the types in cloudstack-api-surface, extracted from " + tree);
        out.add("# by io.elastisnap.cloudstack.surface.SourceSignatureExtractor; do not edit by hand.");
        out.addAll(lines);
        Files.write(output, out, StandardCharsets.UTF_8);
        System.out.println("Wrote " + lines.size() + " signatures of " + types.size() + " types to " + output.toAbsolutePath());
    }

    List<String> extract() throws IOException {
        Set<String> topLevel = surfaceTypes.stream().map(n -> n.contains("$") ? n.substring(0, n.indexOf('$')) : n)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> lines = new ArrayList<>();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            for (String type : topLevel) {
                Path file = sourcesByRelativePath.get(type.replace('.', '/') + ".java");
                if (file == null) {
                    throw new IllegalStateException("No source for " + type + " in the CloudStack tree");
                }
                Iterable<? extends JavaFileObject> units = fm.getJavaFileObjects(file.toFile());
                JavacTask task = (JavacTask) compiler.getTask(null, fm, null, List.of("-proc:none"), null, units);
                for (CompilationUnitTree unit : task.parse()) {
                    FileContext ctx = new FileContext(unit, Trees.instance(task).getSourcePositions());
                    for (Tree decl : unit.getTypeDecls()) {
                        if (decl instanceof ClassTree) {
                            ClassTree ct = (ClassTree) decl;
                            ctx.collectNested(ct, ctx.packageName.isEmpty() ? ct.getSimpleName().toString()
                                    : ctx.packageName + "." + ct.getSimpleName());
                        }
                    }
                    for (Tree decl : unit.getTypeDecls()) {
                        if (decl instanceof ClassTree) {
                            String name = ctx.packageName + "." + ((ClassTree) decl).getSimpleName();
                            describe(ctx, (ClassTree) decl, name, false, false, Collections.emptyMap(), lines);
                        }
                    }
                }
            }
        }
        return lines;
    }

    private void describe(FileContext ctx, ClassTree type, String binaryName, boolean nested, boolean inInterface,
                          Map<String, String> outerTypeVars, List<String> out) {
        if (!surfaceTypes.contains(binaryName) && !(browseMode && nested)) {
            return;
        }
        Tree.Kind kind = type.getKind();
        boolean isInterface = kind == Tree.Kind.INTERFACE || kind == Tree.Kind.ANNOTATION_TYPE;
        Set<Modifier> mods = type.getModifiers().getFlags();
        String kindText;
        switch (kind) {
            case INTERFACE: kindText = "interface"; break;
            case ANNOTATION_TYPE: kindText = "annotation"; break;
            case ENUM: kindText = "enum"; break;
            default: kindText = mods.contains(Modifier.ABSTRACT) ? "abstract-class" : "class";
        }
        String visibility = inInterface || mods.contains(Modifier.PUBLIC) ? "public" : mods.contains(Modifier.PROTECTED) ? "protected" : "package";
        List<String> typeMods = new ArrayList<>();
        typeMods.add(visibility);
        if (kind == Tree.Kind.CLASS && mods.contains(Modifier.FINAL)) {
            typeMods.add("final");
        }
        if (nested && kind == Tree.Kind.CLASS && (mods.contains(Modifier.STATIC) || inInterface)) {
            typeMods.add("static");
        }
        out.add(String.join("|", SignatureRecord.TYPE, binaryName, "type", kindText + " " + String.join(" ", typeMods)));

        Map<String, String> typeVars = new HashMap<>(outerTypeVars);
        for (TypeParameterTree tp : type.getTypeParameters()) {
            typeVars.put(tp.getName().toString(), tp.getBounds().isEmpty() ? "java.lang.Object" : ctx.erase(tp.getBounds().get(0), typeVars));
        }
        boolean hasConstructor = false;
        for (Tree member : type.getMembers()) {
            if (member instanceof MethodTree) {
                MethodTree m = (MethodTree) member;
                boolean ctor = m.getName().contentEquals("<init>");
                hasConstructor |= ctor;
                Set<Modifier> mm = m.getModifiers().getFlags();
                boolean visible = isInterface || mm.contains(Modifier.PUBLIC) || mm.contains(Modifier.PROTECTED);
                if (!visible) {
                    continue;
                }
                Map<String, String> methodVars = new HashMap<>(typeVars);
                for (TypeParameterTree tp : m.getTypeParameters()) {
                    methodVars.put(tp.getName().toString(), tp.getBounds().isEmpty() ? "java.lang.Object" : ctx.erase(tp.getBounds().get(0), methodVars));
                }
                String params = m.getParameters().stream().map(p -> ctx.erase(p.getType(), methodVars)).collect(Collectors.joining(","));
                List<String> flags = new ArrayList<>();
                flags.add(mm.contains(Modifier.PROTECTED) ? "protected" : "public");
                if (ctor) {
                    out.add(String.join("|", SignatureRecord.CONSTRUCTOR, binaryName, "(" + params + ")", String.join(" ", flags)));
                    continue;
                }
                if (mm.contains(Modifier.STATIC)) {
                    flags.add("static");
                } else if (mm.contains(Modifier.DEFAULT)) {
                    flags.add("default");
                } else if (mm.contains(Modifier.ABSTRACT) || (isInterface && m.getBody() == null)) {
                    flags.add("abstract");
                }
                if (mm.contains(Modifier.FINAL)) {
                    flags.add("final");
                }
                String ret = ctx.erase(m.getReturnType(), methodVars);
                out.add(String.join("|", SignatureRecord.METHOD, binaryName, m.getName() + "(" + params + ")" + ret, String.join(" ", flags)));
            } else if (member instanceof VariableTree) {
                VariableTree v = (VariableTree) member;
                if (kind == Tree.Kind.ENUM && ctx.isEnumConstant(v)) {
                    out.add(String.join("|", SignatureRecord.ENUM_CONSTANT, binaryName, v.getName().toString()));
                    continue;
                }
                Set<Modifier> vm = v.getModifiers().getFlags();
                boolean visible = isInterface || vm.contains(Modifier.PUBLIC) || vm.contains(Modifier.PROTECTED);
                if (!visible) {
                    continue;
                }
                boolean isStatic = isInterface || vm.contains(Modifier.STATIC);
                boolean isFinal = isInterface || vm.contains(Modifier.FINAL);
                List<String> flags = new ArrayList<>();
                flags.add(vm.contains(Modifier.PROTECTED) ? "protected" : "public");
                if (isStatic) {
                    flags.add("static");
                }
                if (isFinal) {
                    flags.add("final");
                }
                if (vm.contains(Modifier.TRANSIENT)) {
                    flags.add("transient");
                }
                String value = isStatic && isFinal ? constantValue(v.getInitializer()) : SignatureRecord.NOT_CONSTANT;
                out.add(String.join("|", SignatureRecord.FIELD, binaryName, v.getName().toString(),
                        ctx.erase(v.getType(), typeVars) + "|" + String.join(" ", flags) + "|" + value));
            } else if (member instanceof ClassTree) {
                ClassTree inner = (ClassTree) member;
                describe(ctx, inner, binaryName + "$" + inner.getSimpleName(), true, isInterface, typeVars, out);
            }
        }
        if (!hasConstructor && (kind == Tree.Kind.CLASS) && !isInterface) {
            out.add(String.join("|", SignatureRecord.CONSTRUCTOR, binaryName, "()", visibility.equals("protected") ? "protected" : "public"));
        }
    }

    /** Value of a String/primitive literal initializer (or a concatenation of literals), else '?'. */
    static String constantValue(ExpressionTree init) {
        if (init == null) {
            return SignatureRecord.NOT_CONSTANT;
        }
        if (init instanceof LiteralTree) {
            Object v = ((LiteralTree) init).getValue();
            return v == null ? SignatureRecord.NOT_CONSTANT : encode(String.valueOf(v));
        }
        if (init instanceof UnaryTree && init.getKind() == Tree.Kind.UNARY_MINUS && ((UnaryTree) init).getExpression() instanceof LiteralTree) {
            return encode("-" + ((LiteralTree) ((UnaryTree) init).getExpression()).getValue());
        }
        if (init instanceof BinaryTree && init.getKind() == Tree.Kind.PLUS) {
            String left = constantValue(((BinaryTree) init).getLeftOperand());
            String right = constantValue(((BinaryTree) init).getRightOperand());
            if (!left.equals(SignatureRecord.NOT_CONSTANT) && !right.equals(SignatureRecord.NOT_CONSTANT)) {
                return left + right;
            }
        }
        return SignatureRecord.NOT_CONSTANT;
    }

    static String encode(String raw) {
        return raw.replace("\\", "\\\\").replace("|", "\\p").replace("\n", "\\n");
    }

    private static Map<String, Path> indexSourceRoots(Path tree) throws IOException {
        Map<String, Path> index = new HashMap<>();
        List<Path> roots;
        try (Stream<Path> walk = Files.walk(tree)) {
            roots = walk.filter(p -> p.endsWith(Paths.get("src", "main", "java")) && Files.isDirectory(p)).collect(Collectors.toList());
        }
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .forEach(p -> index.putIfAbsent(root.relativize(p).toString().replace('\\', '/'), p));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return index;
    }

    private final Map<String, Map<String, String>> nestedByType = new HashMap<>();

    /** Nested types visible in the given type (its own and, recursively, its super-types'), by simple name. */
    Map<String, String> nestedTypesOf(String binaryName) {
        String topLevel = binaryName.contains("$") ? binaryName.substring(0, binaryName.indexOf('$')) : binaryName;
        Map<String, String> cached = nestedByType.get(topLevel);
        if (cached != null) {
            return cached;
        }
        Map<String, String> result = new HashMap<>();
        nestedByType.put(topLevel, result);
        Path file = sourcesByRelativePath.get(topLevel.replace('.', '/') + ".java");
        if (file == null) {
            return result;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(null, fm, null, List.of("-proc:none"), null, fm.getJavaFileObjects(file.toFile()));
            for (CompilationUnitTree unit : task.parse()) {
                FileContext ctx = new FileContext(unit, Trees.instance(task).getSourcePositions());
                for (Tree decl : unit.getTypeDecls()) {
                    if (decl instanceof ClassTree) {
                        ctx.collectNested((ClassTree) decl, ctx.packageName + "." + ((ClassTree) decl).getSimpleName());
                    }
                }
                result.putAll(ctx.nestedTypes);
                for (Tree superType : ctx.superTypes) {
                    Tree raw = superType instanceof ParameterizedTypeTree ? ((ParameterizedTypeTree) superType).getType() : superType;
                    String superName = ctx.resolve(raw.toString());
                    if (!superName.startsWith("unresolved:")) {
                        nestedTypesOf(superName).forEach(result::putIfAbsent);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Name resolution for one parsed file. */
    private final class FileContext {
        final String packageName;
        final Map<String, String> explicitImports = new HashMap<>();
        final List<String> wildcardImports = new ArrayList<>();
        final Map<String, String> nestedTypes = new HashMap<>();
        final List<Tree> superTypes = new ArrayList<>();

        final CompilationUnitTree unit;
        final SourcePositions positions;
        final CharSequence source;

        FileContext(CompilationUnitTree unit, SourcePositions positions) {
            this.unit = unit;
            this.positions = positions;
            try {
                this.source = unit.getSourceFile().getCharContent(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
            for (ImportTree imp : unit.getImports()) {
                if (imp.isStatic()) {
                    continue;
                }
                String q = imp.getQualifiedIdentifier().toString();
                if (q.endsWith(".*")) {
                    wildcardImports.add(q.substring(0, q.length() - 2));
                } else {
                    explicitImports.put(q.substring(q.lastIndexOf('.') + 1), toBinary(q));
                }
            }
        }

        /** An enum constant's declaration starts with its own name; a field declaration starts with modifiers or a type. */
        boolean isEnumConstant(VariableTree v) {
            int start = (int) positions.getStartPosition(unit, v);
            String name = v.getName().toString();
            return start >= 0 && source.subSequence(start, Math.min(source.length(), start + name.length())).toString().equals(name)
                    && v.getInitializer() != null && v.getInitializer().getKind() == Tree.Kind.NEW_CLASS;
        }

        void collectNested(ClassTree type, String binaryName) {
            if (type.getExtendsClause() != null) {
                superTypes.add(type.getExtendsClause());
            }
            superTypes.addAll(type.getImplementsClause());
            for (Tree member : type.getMembers()) {
                if (member instanceof ClassTree) {
                    ClassTree inner = (ClassTree) member;
                    String innerName = binaryName + "$" + inner.getSimpleName();
                    nestedTypes.putIfAbsent(inner.getSimpleName().toString(), innerName);
                    collectNested(inner, innerName);
                }
            }
            nestedTypes.putIfAbsent(type.getSimpleName().toString(), binaryName);
        }

        /** A member type inherited from a super-type (e.g. SnapshotVO sees Snapshot.State as State). */
        private String inheritedNestedType(String simple) {
            for (Tree superType : superTypes) {
                Tree raw = superType instanceof ParameterizedTypeTree ? ((ParameterizedTypeTree) superType).getType() : superType;
                String superName = resolve(raw.toString());
                if (superName.startsWith("unresolved:")) {
                    continue;
                }
                String found = nestedTypesOf(superName).get(simple);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        String erase(Tree type, Map<String, String> typeVars) {
            if (type == null) {
                return "void";
            }
            if (type instanceof PrimitiveTypeTree) {
                return ((PrimitiveTypeTree) type).getPrimitiveTypeKind().toString().toLowerCase();
            }
            if (type instanceof ArrayTypeTree) {
                return erase(((ArrayTypeTree) type).getType(), typeVars) + "[]";
            }
            if (type instanceof ParameterizedTypeTree) {
                return erase(((ParameterizedTypeTree) type).getType(), typeVars);
            }
            if (type instanceof AnnotationTree) {
                return erase(((AnnotationTree) type).getAnnotationType(), typeVars);
            }
            if (type.getKind() == Tree.Kind.ANNOTATED_TYPE) {
                return erase(((com.sun.source.tree.AnnotatedTypeTree) type).getUnderlyingType(), typeVars);
            }
            String written = type.toString();
            if (type instanceof IdentifierTree && typeVars.containsKey(written)) {
                return typeVars.get(written);
            }
            if (type instanceof IdentifierTree || type instanceof MemberSelectTree) {
                return resolve(written);
            }
            throw new IllegalStateException("Unsupported type tree " + type.getKind() + ": " + written);
        }

        String resolve(String written) {
            String first = written.contains(".") ? written.substring(0, written.indexOf('.')) : written;
            String rest = written.contains(".") ? written.substring(written.indexOf('.') + 1).replace('.', '$') : null;
            String base = resolveSimple(first);
            if (base == null) {
                if (Character.isLowerCase(first.charAt(0))) {
                    return toBinary(written);
                }
                // e.g. a nested type inherited from a super-interface: recorded as unresolved, so a surface member using it cannot match
                return "unresolved:" + written;
            }
            return rest == null ? base : base + "$" + rest;
        }

        private String resolveSimple(String simple) {
            if (nestedTypes.containsKey(simple)) {
                return nestedTypes.get(simple);
            }
            if (explicitImports.containsKey(simple)) {
                return explicitImports.get(simple);
            }
            if (sourcesByRelativePath.containsKey(packageName.replace('.', '/') + "/" + simple + ".java")) {
                return packageName + "." + simple;
            }
            try {
                Class.forName("java.lang." + simple);
                return "java.lang." + simple;
            } catch (ClassNotFoundException notJavaLang) {
                // fall through to wildcard imports
            }
            String inherited = inheritedNestedType(simple);
            if (inherited != null) {
                return inherited;
            }
            Set<String> candidates = new LinkedHashSet<>();
            for (String pkg : wildcardImports) {
                if (sourcesByRelativePath.containsKey(pkg.replace('.', '/') + "/" + simple + ".java")) {
                    candidates.add(pkg + "." + simple);
                } else {
                    try {
                        candidates.add(Class.forName(pkg + "." + simple).getName());
                    } catch (ClassNotFoundException notThere) {
                        // not in this package
                    }
                }
            }
            return candidates.isEmpty() ? null : candidates.iterator().next();
        }
    }

    /** a.b.Outer.Inner -> a.b.Outer$Inner (segments after the first upper-case one are nested types). */
    static String toBinary(String qualified) {
        String[] parts = qualified.split("\\.");
        StringBuilder sb = new StringBuilder();
        boolean inType = false;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append(inType ? '$' : '.');
            }
            sb.append(parts[i]);
            if (!parts[i].isEmpty() && Character.isUpperCase(parts[i].charAt(0))) {
                inType = true;
            }
        }
        return sb.toString();
    }
}
