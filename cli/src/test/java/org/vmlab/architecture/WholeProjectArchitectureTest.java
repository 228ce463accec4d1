package org.vmlab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;

/**
 * The architecture rules the build keeps (docs/architecture.md, "Determinism and isolation" and
 * "Modules"), over the main code of every module (the command's tests see them all on their class
 * path; {@link TheRulesSeeEveryModuleTest} checks that they do): no class holds static mutable
 * state, so any number of machines run side by side in one JVM; and the machine depends neither
 * on the assembler that targets it nor on the VMM that owns it (the module graph keeps the latter
 * too: the machine module depends on nothing).
 */
@AnalyzeClasses(packages = "org.vmlab", importOptions = {ImportOption.DoNotIncludeTests.class,
        WholeProjectArchitectureTest.DoNotIncludeTestJars.class})
class WholeProjectArchitectureTest {

    /** The test fixtures other modules publish ({@code *-tests.jar}) are tests too. */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule noStaticFieldIsReassignable = fields()
            .that().areStatic()
            .should().beFinal()
            .because("a static field that can be reassigned is state shared by every machine in the JVM");

    private static final DescribedPredicate<JavaField> STATIC_FINAL_ARRAYS =
            DescribedPredicate.describe("static final arrays", f ->
                    f.getModifiers().contains(JavaModifier.STATIC)
                            && f.getModifiers().contains(JavaModifier.FINAL)
                            && !f.getModifiers().contains(JavaModifier.SYNTHETIC)
                            && f.getRawType().isArray());

    @ArchTest
    static final ArchRule staticArraysAreTablesTheirClassKeepsPrivate = fields()
            .that(STATIC_FINAL_ARRAYS)
            .should().bePrivate()
            .because("an array's elements can be written by anyone who can reach it; only a private"
                    + " table filled once by its own class is constant");

    @ArchTest
    static final ArchRule staticArraysAreNotReachedFromOtherClasses = noClasses()
            .should(reachAStaticArrayOfAnotherClass())
            .because("a static table another class (even a nested one) can reach is one it can write");

    /**
     * The one exception: the compiled engine's table of generated code, a cache whose entries are
     * pure functions of their keys (org.vmlab.machine.compiled.CodeCache says why that is safe).
     */
    private static final String CODE_CACHE = "org.vmlab.machine.compiled.CodeCache";

    @ArchTest
    static final ArchRule staticCollectionsAreUnmodifiable = fields()
            .that().areStatic().and().areFinal()
            .and().areNotDeclaredIn(CODE_CACHE)
            .and().haveRawType(DescribedPredicate.describe("a collection or map",
                    t -> t.isAssignableTo(Collection.class) || t.isAssignableTo(Map.class)))
            .should(holdAnUnmodifiableCollection())
            .because("a static collection that can change is state shared by every machine in the JVM");

    @ArchTest
    static final ArchRule theMachineDoesNotDependOnTheAssembler = noClasses()
            .that().resideInAPackage("org.vmlab.machine..")
            .should().dependOnClassesThat().resideInAPackage("org.vmlab.asm..")
            .because("the assembler is a tool that targets the machine, not a part of it");

    @ArchTest
    static final ArchRule theMachineDoesNotDependOnTheVmm = noClasses()
            .that().resideInAPackage("org.vmlab.machine..")
            .should().dependOnClassesThat().resideInAPackage("org.vmlab.vmm..")
            .because("the VMM owns the machine; the machine knows only that a monitor may own ring 0");

    @ArchTest
    static final ArchRule noFieldIsAPublicMutableStaticArray = noFields()
            .that(STATIC_FINAL_ARRAYS)
            .should().bePublic();

    /**
     * Accesses to another class's static array. ArchUnit sees field accesses, not the array
     * stores that follow them, so this is the checkable half of "never written after
     * initialization": only the owning class can reach the table at all.
     */
    private static ArchCondition<com.tngtech.archunit.core.domain.JavaClass> reachAStaticArrayOfAnotherClass() {
        return new ArchCondition<>("reach a static array of another class") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass javaClass, ConditionEvents events) {
                javaClass.getFieldAccessesFromSelf().stream()
                        .filter(a -> a.getTarget().resolveMember().map(STATIC_FINAL_ARRAYS::test).orElse(false))
                        .filter(a -> !a.getTargetOwner().equals(javaClass))
                        .forEach(a -> events.add(SimpleConditionEvent.satisfied(a, a.getDescription())));
            }
        };
    }

    private static ArchCondition<JavaField> holdAnUnmodifiableCollection() {
        return new ArchCondition<>("hold an unmodifiable collection") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                Object value;
                try {
                    Field f = field.reflect();
                    f.setAccessible(true);
                    value = f.get(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    events.add(SimpleConditionEvent.violated(field, field.getFullName() + " could not be read: " + e));
                    return;
                }
                String type = value == null ? "null" : value.getClass().getName();
                boolean unmodifiable = value == null
                        || type.startsWith("java.util.ImmutableCollections$")
                        || type.startsWith("java.util.Collections$Unmodifiable")
                        || type.startsWith("java.util.Collections$Empty")
                        || type.startsWith("java.util.Collections$Singleton");
                events.add(new SimpleConditionEvent(field, unmodifiable,
                        field.getFullName() + " holds a " + type));
            }
        };
    }
}
