-- 1. Add topic
INSERT INTO kafka_topics (topic_name, category, source, datatype, description, retention_days)
VALUES ('device.sensor.new.raw', 'device', 'sensor', 'new', 'New sensor type', 30);

-- 2. Configure table mapping  
INSERT INTO topic_table_configs (topic_name, table_name, upsert_key)
VALUES ('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id, timestamp');

-- 3. Add field mappings
INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type)
VALUES 
('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id', 'device_id', 'string'),
('device.sensor.new.raw', 'device_sensor_new_raw', 'timestamp', 'timestamp', 'timestamp'),
('device.sensor.new.raw', 'device_sensor_new_raw', 'value', 'sensor_value', 'float');

