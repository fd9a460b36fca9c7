package io.convspark.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class the JVM-wide shared local {@code SparkSession} (see
 * {@link SparkSessionExtension}); declare it as a parameter of a test or lifecycle method:
 *
 * <pre>{@code
 * @WithSpark
 * class FooTest {
 *   @Test
 *   void countsRows(SparkSession spark) {
 *     assertEquals(10, spark.range(10).count());
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SparkSessionExtension.class)
public @interface WithSpark {}
