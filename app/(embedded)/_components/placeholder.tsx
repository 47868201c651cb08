'use client';

import { H2, Panel, Text } from '@bigcommerce/big-design';

/** A section whose screens are not built yet: says plainly what it will hold. */
export function SectionPlaceholder({ title, description }: { title: string; description: string }) {
  return (
    <Panel header={title}>
      <H2 as="h2" marginBottom="small">
        Not available yet
      </H2>
      <Text>{description}</Text>
    </Panel>
  );
}
