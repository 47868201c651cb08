// Types for the parts of BigDesign that table.tsx, select.tsx, form.tsx, input.tsx and checkbox.tsx import one by one (BigDesign ships their declarations under
// dist/components and the modules under dist/es/components; its package.json has no "exports", so both resolve).
declare module '@bigcommerce/big-design/dist/es/components/Table/Actions/styled' {
  export * from '@bigcommerce/big-design/dist/components/Table/Actions/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Table/Body' {
  export * from '@bigcommerce/big-design/dist/components/Table/Body';
}
declare module '@bigcommerce/big-design/dist/es/components/Table/DataCell' {
  export * from '@bigcommerce/big-design/dist/components/Table/DataCell';
}
declare module '@bigcommerce/big-design/dist/es/components/Table/Head' {
  export * from '@bigcommerce/big-design/dist/components/Table/Head';
}
declare module '@bigcommerce/big-design/dist/es/components/Table/HeaderCell/styled' {
  export * from '@bigcommerce/big-design/dist/components/Table/HeaderCell/styled';
}
declare module '@bigcommerce/big-design/dist/es/helpers/transitions' {
  export * from '@bigcommerce/big-design/dist/helpers/transitions';
}
declare module '@bigcommerce/big-design/dist/es/components/Table/styled' {
  export * from '@bigcommerce/big-design/dist/components/Table/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Select/styled' {
  export * from '@bigcommerce/big-design/dist/components/Select/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Form/useFormContext' {
  export * from '@bigcommerce/big-design/dist/components/Form/useFormContext';
}
declare module '@bigcommerce/big-design/dist/es/components/Form/Error' {
  export * from '@bigcommerce/big-design/dist/components/Form/Error';
}
declare module '@bigcommerce/big-design/dist/es/components/Form/Label' {
  export * from '@bigcommerce/big-design/dist/components/Form/Label';
}
declare module '@bigcommerce/big-design/dist/es/components/Form/Group/styled' {
  export * from '@bigcommerce/big-design/dist/components/Form/Group/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Input/styled' {
  export * from '@bigcommerce/big-design/dist/components/Input/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Textarea/styled' {
  export * from '@bigcommerce/big-design/dist/components/Textarea/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Chip' {
  export * from '@bigcommerce/big-design/dist/components/Chip';
}
declare module '@bigcommerce/big-design/dist/es/components/Checkbox/styled' {
  export * from '@bigcommerce/big-design/dist/components/Checkbox/styled';
}
declare module '@bigcommerce/big-design/dist/es/components/Checkbox/Label/styled' {
  export * from '@bigcommerce/big-design/dist/components/Checkbox/Label/styled';
}
