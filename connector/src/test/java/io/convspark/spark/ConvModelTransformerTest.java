package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.SparkTestSupport;
import io.convspark.testing.WithSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The ML Transformer: schema validation, Params, and Pipeline save/load. */
@WithSpark
class ConvModelTransformerTest {
  private static Dataset<Row> tensors(SparkSession spark, int size) {
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      data.add(RowFactory.create(i, OnnxModelBuilder.random(i, 3 * size * size)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("t", DataTypes.createArrayType(DataTypes.FloatType));
    return spark.createDataFrame(data, schema).repartition(3);
  }

  @Test
  void pipelineSaveAndLoadGivesTheSameRows(SparkSession spark) throws Exception {
    ConvModel model = ConvModel.load(Models.regnetStyle(21), null);
    ConvModelTransformer t = new ConvModelTransformer(model);
    t.set(t.inputCol(), "t");
    t.set(t.topK(), 2);
    t.set(t.labels(), new String[] {"a", "b", "c", "d", "e"});
    t.set(t.outputCol(), "top");
    Dataset<Row> df = tensors(spark, 21);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {t}).fit(df);
    List<Row> before = SparkTestSupport.collectSorted(fitted.transform(df), "id");
    String path = SparkTestSupport.tempDir().resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> after = SparkTestSupport.collectSorted(loaded.transform(df), "id");
    SparkTestSupport.assertSameRows(before, after);
    Row first = after.get(0).<Row>getList(2).get(0);
    assertTrue(List.of("a", "b", "c", "d", "e").contains(first.getString(1)), first.toString());
    ConvModelTransformer back = (ConvModelTransformer) loaded.stages()[0];
    assertEquals(t.uid(), back.uid());
    assertEquals(2, (Integer) back.getOrDefault(back.topK()));
  }

  @Test
  void transformSchemaRejectsAWrongColumnOnTheDriver(SparkSession spark) {
    ConvModelTransformer t = new ConvModelTransformer(ConvModel.load(Models.convBnRelu(9), null));
    t.set(t.inputCol(), "id");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.transformSchema(tensors(spark, 9).schema()));
    assertTrue(e.getMessage().contains("'id'") && e.getMessage().contains("int"),
        e.getMessage());
    t.set(t.inputCol(), "t");
    StructType out = t.transformSchema(tensors(spark, 9).schema());
    assertEquals(List.of("id", "t", "prediction", "error"), List.of(out.fieldNames()));
    t.set(t.channelOrder(), "GBR");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> t.transformSchema(tensors(spark, 9).schema()));
    assertTrue(bad.getMessage().contains("channelOrder 'GBR'"), bad.getMessage());
  }
}
